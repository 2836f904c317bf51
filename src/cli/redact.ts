/**
 * The CLI's last line of defence against printing a credential. Every message is built from redacted targets
 * (`connection.target`, `redactRedisUrl`), so this should never find anything; it exists in case a library echoes a URL.
 *
 * It works on the structure of a URL, never on the password's text: replacing every occurrence of a password string
 * would reveal a short password by which letters got starred.
 */

/** `scheme://` followed by the rest of a whitespace- or quote-delimited token. */
const URL_TOKEN = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s"'<>`]*)/gi;

/**
 * Replaces the credentials of every URL-shaped token (`scheme://user:password@host`) with `***`, keeping the user name.
 * The user info runs up to the LAST `@` of the token, so a password with `/`, `:`, `?` or `@` in it is covered whole.
 */
export function redactUrlCredentials(text: string): string {
  return text.replace(URL_TOKEN, (token: string, scheme: string, rest: string) => {
    const at = rest.lastIndexOf('@');
    if (at < 0) return token;
    const userInfo = rest.slice(0, at);
    const colon = userInfo.indexOf(':');
    // A user name cannot contain "/" in a URL: when it seems to, the "user" is part of a password, so hide it all.
    const user = colon < 0 || /[/?#]/.test(userInfo.slice(0, colon)) ? '' : userInfo.slice(0, colon);
    return `${scheme}${user}:***${rest.slice(at)}`;
  });
}
