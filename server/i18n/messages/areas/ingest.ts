/**
 * Catalog area: keys in English first; ru and uk must carry every key (`satisfies` makes the type checker say so).
 * Messages are ICU: {name}, {count, plural, one {# …} few {# …} many {# …} other {# …}}.
 *
 * ingest.*: lines in a thread for what a customer sent that the inbox cannot show as text or a file.
 * Written when the message is stored, in the company's language.
 */
const en = {
  "ingest.location": "📍 Location: {link}",
  "ingest.venue": "📍 {title}, {address}: {link}",
  "ingest.contact": "👤 Contact card: {name}, {phone}",
  "ingest.poll": "📊 Poll “{question}” with {count, plural, one {# option} other {# options}}. Polls cannot be shown here.",
  "ingest.dice": "{emoji} The customer rolled {value}.",
  "ingest.story": "The customer forwarded a story. Stories cannot be shown here.",
  "ingest.unshown":
    "The customer sent {what, select, game {a game} invoice {an invoice} paid_media {paid media} giveaway {a giveaway} giveaway_winners {giveaway results} checklist {a checklist} other {a message of a kind}} that cannot be shown here.",
} as const;

type Keys = Record<keyof typeof en, string>;

export const ingest = {
  en,
  ru: {
    "ingest.location": "📍 Местоположение: {link}",
    "ingest.venue": "📍 {title}, {address}: {link}",
    "ingest.contact": "👤 Контакт: {name}, {phone}",
    "ingest.poll": "📊 Опрос «{question}», {count, plural, one {# вариант} few {# варианта} many {# вариантов} other {# варианта}}. Опросы здесь не показываются.",
    "ingest.dice": "{emoji} Клиент выбросил {value}.",
    "ingest.story": "Клиент переслал историю. Истории здесь не показываются.",
    "ingest.unshown":
      "Клиент отправил {what, select, game {игру} invoice {счёт} paid_media {платный контент} giveaway {розыгрыш} giveaway_winners {итоги розыгрыша} checklist {чек-лист} other {сообщение такого типа}}, это нельзя показать здесь.",
  } satisfies Keys,
  uk: {
    "ingest.location": "📍 Місцезнаходження: {link}",
    "ingest.venue": "📍 {title}, {address}: {link}",
    "ingest.contact": "👤 Контакт: {name}, {phone}",
    "ingest.poll": "📊 Опитування «{question}», {count, plural, one {# варіант} few {# варіанти} many {# варіантів} other {# варіанта}}. Опитування тут не показуються.",
    "ingest.dice": "{emoji} Клієнт викинув {value}.",
    "ingest.story": "Клієнт переслав історію. Історії тут не показуються.",
    "ingest.unshown":
      "Клієнт надіслав {what, select, game {гру} invoice {рахунок} paid_media {платний вміст} giveaway {розіграш} giveaway_winners {підсумки розіграшу} checklist {чек-лист} other {повідомлення такого типу}}, його неможливо показати тут.",
  } satisfies Keys,
};
