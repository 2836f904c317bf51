/**
 * The clear-text fields a function call keeps in an entry whose content is not JSON the scripts can read (encrypted
 * or compressed): its type and call id, so that the `mutateHistory` script can find it by callId. Readers check that
 * they match the decoded item. Empty for every other item.
 */
export function clearFields(item: unknown): string {
  const { type, callId } = item as { type?: unknown; callId?: unknown };
  return type === 'function_call' && typeof callId === 'string' ? `,"type":"function_call","callId":${JSON.stringify(callId)}` : '';
}
