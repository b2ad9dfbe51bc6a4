/**
 * Catalog area: keys in English first; ru and uk must carry every key (`satisfies` makes the type checker say so).
 * Messages are ICU: {name}, {count, plural, one {# …} few {# …} many {# …} other {# …}}.
 */
const en = {} as const;

type Keys = Record<keyof typeof en, string>;

export const people = {
  en,
  ru: {} satisfies Keys,
  uk: {} satisfies Keys,
};
