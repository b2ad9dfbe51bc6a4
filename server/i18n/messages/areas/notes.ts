/**
 * Catalog area: keys in English first; ru and uk must carry every key (`satisfies` makes the type checker say so).
 * Messages are ICU: {name}, {count, plural, one {# …} few {# …} many {# …} other {# …}}.
 *
 * This area: private notes in the thread (the composer's Reply / Note switch), @mention suggestions, and the
 * inbox's Mentions tab.
 */
const en = {
  "inbox.author.note": "Note",
  "inbox.composer.mode": "Who sees it: the customer or only your team",
  "inbox.composer.modeReply": "Reply",
  "inbox.composer.modeNote": "Note",
  "inbox.note.label": "Note for your team",
  "inbox.note.placeholder": "A note for your team. Type @ to mention someone.",
  "inbox.note.hint": "Only your team sees notes: they are never sent to the customer.",
  "inbox.note.add": "Add note",
  "inbox.note.adding": "Adding…",
  "inbox.note.empty": "Write the note first.",
  "inbox.note.failed": "The note was not saved. Try again.",
  "inbox.note.unknownPerson": "Someone you mentioned is not an active member of this company.",
  "inbox.note.visibility": "Note · visible to your team only",
  "inbox.note.mentionsYou": "that is you",
  "inbox.mention.suggestions": "People to mention",
  "inbox.mention.matches": "{count, plural, =0 {Nobody matches} one {# person matches: arrows to choose, Enter to mention} other {# people match: arrows to choose, Enter to mention}}",
  "inbox.tab.mentions": "Mentions",
  "inbox.mentions.unread": "{count, plural, =0 {No unread mentions} one {# unread mention} other {# unread mentions}}",
  "inbox.mentions.empty": "Nobody has mentioned you in a note yet.",
  "inbox.mentions.by": "{name} mentioned you",
  "inbox.mentions.in": "{contact} · {channel}",
  "inbox.mentions.new": "Unread",
  "inbox.mentions.more": "Show more mentions",
};

type Keys = Record<keyof typeof en, string>;

const ru = {
  "inbox.author.note": "Заметка",
  "inbox.composer.mode": "Кто увидит: клиент или только ваша команда",
  "inbox.composer.modeReply": "Ответ",
  "inbox.composer.modeNote": "Заметка",
  "inbox.note.label": "Заметка для команды",
  "inbox.note.placeholder": "Заметка для команды. Введите @, чтобы упомянуть коллегу.",
  "inbox.note.hint": "Заметки видит только ваша команда: клиенту они никогда не отправляются.",
  "inbox.note.add": "Добавить заметку",
  "inbox.note.adding": "Добавляем…",
  "inbox.note.empty": "Сначала напишите заметку.",
  "inbox.note.failed": "Заметка не сохранилась. Попробуйте ещё раз.",
  "inbox.note.unknownPerson": "Кто-то из упомянутых не состоит в этой компании или отключён.",
  "inbox.note.visibility": "Заметка · видна только вашей команде",
  "inbox.note.mentionsYou": "это вы",
  "inbox.mention.suggestions": "Кого упомянуть",
  "inbox.mention.matches": "{count, plural, =0 {Никто не подходит} one {Подходит # человек: выберите стрелками, Enter — упомянуть} few {Подходят # человека: выберите стрелками, Enter — упомянуть} many {Подходят # человек: выберите стрелками, Enter — упомянуть} other {Подходит # человека: выберите стрелками, Enter — упомянуть}}",
  "inbox.tab.mentions": "Упоминания",
  "inbox.mentions.unread": "{count, plural, =0 {Нет непрочитанных упоминаний} one {# непрочитанное упоминание} few {# непрочитанных упоминания} many {# непрочитанных упоминаний} other {# непрочитанного упоминания}}",
  "inbox.mentions.empty": "Вас ещё никто не упоминал в заметках.",
  "inbox.mentions.by": "{name} упомянул(а) вас",
  "inbox.mentions.in": "{contact} · {channel}",
  "inbox.mentions.new": "Не прочитано",
  "inbox.mentions.more": "Показать ещё упоминания",
} satisfies Keys;

const uk = {
  "inbox.author.note": "Нотатка",
  "inbox.composer.mode": "Хто побачить: клієнт чи лише ваша команда",
  "inbox.composer.modeReply": "Відповідь",
  "inbox.composer.modeNote": "Нотатка",
  "inbox.note.label": "Нотатка для команди",
  "inbox.note.placeholder": "Нотатка для команди. Введіть @, щоб згадати колегу.",
  "inbox.note.hint": "Нотатки бачить лише ваша команда: клієнтові вони ніколи не надсилаються.",
  "inbox.note.add": "Додати нотатку",
  "inbox.note.adding": "Додаємо…",
  "inbox.note.empty": "Спершу напишіть нотатку.",
  "inbox.note.failed": "Нотатку не збережено. Спробуйте ще раз.",
  "inbox.note.unknownPerson": "Хтось зі згаданих не належить до цієї компанії або вимкнений.",
  "inbox.note.visibility": "Нотатка · бачить лише ваша команда",
  "inbox.note.mentionsYou": "це ви",
  "inbox.mention.suggestions": "Кого згадати",
  "inbox.mention.matches": "{count, plural, =0 {Ніхто не підходить} one {Підходить # людина: оберіть стрілками, Enter — згадати} few {Підходять # людини: оберіть стрілками, Enter — згадати} many {Підходять # людей: оберіть стрілками, Enter — згадати} other {Підходить # людини: оберіть стрілками, Enter — згадати}}",
  "inbox.tab.mentions": "Згадки",
  "inbox.mentions.unread": "{count, plural, =0 {Немає непрочитаних згадок} one {# непрочитана згадка} few {# непрочитані згадки} many {# непрочитаних згадок} other {# непрочитаної згадки}}",
  "inbox.mentions.empty": "Вас ще ніхто не згадував у нотатках.",
  "inbox.mentions.by": "{name} згадав(ла) вас",
  "inbox.mentions.in": "{contact} · {channel}",
  "inbox.mentions.new": "Не прочитано",
  "inbox.mentions.more": "Показати ще згадки",
} satisfies Keys;

export const notes = { en, ru, uk };
