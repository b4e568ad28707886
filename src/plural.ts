// Counts with their noun in the right number, for messages such as "1 network" and "2 networks".

/** Formats `count` and `noun`, using `pluralNoun` (default: noun + "s") unless count is 1. */
export function countOf(count: number, noun: string, pluralNoun = `${noun}s`): string {
  return `${count} ${count === 1 ? noun : pluralNoun}`;
}
