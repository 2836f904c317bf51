import { InvalidArgumentError } from 'commander';

/** A commander option parser for a whole number from `min` up. */
export function wholeNumber(min: number): (value: string) => number {
  return (value: string) => {
    const number = Number(value);
    if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(number) || number < min) {
      throw new InvalidArgumentError(`expected a whole number from ${min} up, got "${value}".`);
    }
    return number;
  };
}
