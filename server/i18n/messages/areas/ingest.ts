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
  "ingest.deadLetters.heading": "Webhook events that did not become messages",
  "ingest.deadLetters.count": "{count, plural, one {# event} other {# events}} could not be processed.",
  "ingest.deadLetters.byReason": "{reason} ({count})",
  "ingest.deadLetters.item": "{channel} · {type} · {when}",
  "ingest.deadLetters.retry": "Retry",
  "ingest.deadLetters.retryAll": "Retry all",
  "ingest.deadLetters.retried": "{count, plural, one {# event is} other {# events are}} back in the queue.",
  "ingest.deadLetters.retryFailed": "Could not retry. Try again in a moment.",
  "ingest.reason.processing_error": "Processing kept failing, even after retries.",
  "ingest.reason.unsupported_shape": "The messenger sent an event of a shape Switchboard does not know.",
  "ingest.reason.unsupported_content": "The event holds content that cannot be stored; it is kept as received.",
  "ingest.reason.no_channel": "The channel it came for no longer exists.",
  "ingest.send.maybeDelivered": "May not have been delivered: the connection broke while it was being sent. Check the chat, or send it again.",
  "ingest.send.sendAgain": "Send again",
  "ingest.send.notInterrupted": "Only a reply whose sending was interrupted can be sent again.",
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
    "ingest.deadLetters.heading": "События вебхуков, которые не стали сообщениями",
    "ingest.deadLetters.count": "Не удалось обработать {count, plural, one {# событие} few {# события} many {# событий} other {# события}}.",
    "ingest.deadLetters.byReason": "{reason} ({count})",
    "ingest.deadLetters.item": "{channel} · {type} · {when}",
    "ingest.deadLetters.retry": "Повторить",
    "ingest.deadLetters.retryAll": "Повторить все",
    "ingest.deadLetters.retried": "{count, plural, one {# событие снова в очереди} few {# события снова в очереди} many {# событий снова в очереди} other {# события снова в очереди}}.",
    "ingest.deadLetters.retryFailed": "Не удалось повторить. Попробуйте через минуту.",
    "ingest.reason.processing_error": "Обработка не удалась даже после повторных попыток.",
    "ingest.reason.unsupported_shape": "Мессенджер прислал событие незнакомого Switchboard вида.",
    "ingest.reason.unsupported_content": "Событие содержит то, что нельзя сохранить; оно хранится в полученном виде.",
    "ingest.reason.no_channel": "Канала, для которого оно пришло, больше нет.",
    "ingest.send.maybeDelivered": "Возможно, не доставлено: связь оборвалась во время отправки. Проверьте чат или отправьте ещё раз.",
    "ingest.send.sendAgain": "Отправить ещё раз",
    "ingest.send.notInterrupted": "Отправить ещё раз можно только ответ, отправка которого прервалась.",
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
    "ingest.deadLetters.heading": "Події вебхуків, які не стали повідомленнями",
    "ingest.deadLetters.count": "Не вдалося обробити {count, plural, one {# подію} few {# події} many {# подій} other {# події}}.",
    "ingest.deadLetters.byReason": "{reason} ({count})",
    "ingest.deadLetters.item": "{channel} · {type} · {when}",
    "ingest.deadLetters.retry": "Повторити",
    "ingest.deadLetters.retryAll": "Повторити всі",
    "ingest.deadLetters.retried": "{count, plural, one {# подія знову в черзі} few {# події знову в черзі} many {# подій знову в черзі} other {# події знову в черзі}}.",
    "ingest.deadLetters.retryFailed": "Не вдалося повторити. Спробуйте за хвилину.",
    "ingest.reason.processing_error": "Обробка не вдалася навіть після повторних спроб.",
    "ingest.reason.unsupported_shape": "Месенджер надіслав подію невідомого Switchboard вигляду.",
    "ingest.reason.unsupported_content": "Подія містить те, що неможливо зберегти; вона зберігається в отриманому вигляді.",
    "ingest.reason.no_channel": "Каналу, для якого вона прийшла, більше немає.",
    "ingest.send.maybeDelivered": "Можливо, не доставлено: зв'язок обірвався під час надсилання. Перевірте чат або надішліть ще раз.",
    "ingest.send.sendAgain": "Надіслати ще раз",
    "ingest.send.notInterrupted": "Надіслати ще раз можна лише відповідь, надсилання якої перервалося.",
  } satisfies Keys,
};
