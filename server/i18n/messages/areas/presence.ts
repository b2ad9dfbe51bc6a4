/**
 * Catalog area: keys in English first; ru and uk must carry every key (`satisfies` makes the type checker say so).
 * Messages are ICU: {name}, {count, plural, one {# …} few {# …} many {# …} other {# …}}.
 *
 * This area: working together and noticing — who views or types in a conversation, the warning when a colleague
 * replied meanwhile, Online / Away, and desktop notifications (with their sound and the tab's unread count).
 */
const en = {
  "presence.label": "Who else is here",
  "presence.viewing": "{count, plural, one {{names} is viewing} other {{names} are viewing}}",
  "presence.typingReply": "{count, plural, one {{names} is typing a reply…} other {{names} are typing a reply…}}",
  "presence.typingNote": "{count, plural, one {{names} is writing a note…} other {{names} are writing a note…}}",
  "presence.conflict": "{count, plural, one {{names} replied while you were typing.} other {{names} replied while you were typing.}} Read it before you send yours.",
  "presence.sendAnyway": "Send anyway",
  "presence.review": "Review first",

  "availability.label": "Availability",
  "availability.online": "Online",
  "availability.away": "Away",
  "availability.awayIdle": "Away (idle)",
  "availability.hint": "Only people online get new conversations from routing.",

  "notifications.title": "Desktop notifications",
  "notifications.description": "A notification, and the count in the browser tab’s title, for a new conversation in your lines or teams, a customer’s message in a conversation assigned to you, and a mention of you.",
  "notifications.enable": "Turn on desktop notifications",
  "notifications.disable": "Turn off",
  "notifications.state.on": "On in this browser.",
  "notifications.state.off": "Off in this browser.",
  "notifications.state.denied": "Blocked: the browser refuses notifications for this site. Allow them in the site’s settings, then turn them on here.",
  "notifications.state.unsupported": "This browser cannot show desktop notifications.",
  "notifications.sound": "Play a sound",
  "notifications.test": "Try it",
  "notifications.kind.conversation": "New conversation",
  "notifications.kind.message": "New message from a customer",
  "notifications.kind.mention": "You were mentioned",
  "notifications.body": "Open it in Switchboard.",
} as const;

type Keys = { [K in keyof typeof en]: string };

const ru = {
  "presence.label": "Кто ещё здесь",
  "presence.viewing": "{count, plural, one {{names} смотрит этот диалог} few {{names} смотрят этот диалог} many {{names} смотрят этот диалог} other {{names} смотрят этот диалог}}",
  "presence.typingReply": "{count, plural, one {{names} пишет ответ…} few {{names} пишут ответ…} many {{names} пишут ответ…} other {{names} пишут ответ…}}",
  "presence.typingNote": "{count, plural, one {{names} пишет заметку…} few {{names} пишут заметку…} many {{names} пишут заметку…} other {{names} пишут заметку…}}",
  "presence.conflict": "{count, plural, one {{names} ответил(а), пока вы писали.} few {{names} ответили, пока вы писали.} many {{names} ответили, пока вы писали.} other {{names} ответили, пока вы писали.}} Прочитайте ответ, прежде чем отправлять свой.",
  "presence.sendAnyway": "Всё равно отправить",
  "presence.review": "Сначала прочитать",

  "availability.label": "Доступность",
  "availability.online": "В сети",
  "availability.away": "Нет на месте",
  "availability.awayIdle": "Нет на месте (бездействие)",
  "availability.hint": "Новые диалоги распределяются только тем, кто в сети.",

  "notifications.title": "Уведомления на рабочем столе",
  "notifications.description": "Уведомление и счётчик в заголовке вкладки — о новом диалоге на ваших линиях или в ваших командах, о сообщении клиента в назначенном вам диалоге и об упоминании вас.",
  "notifications.enable": "Включить уведомления",
  "notifications.disable": "Выключить",
  "notifications.state.on": "Включены в этом браузере.",
  "notifications.state.off": "Выключены в этом браузере.",
  "notifications.state.denied": "Заблокированы: браузер запрещает уведомления этого сайта. Разрешите их в настройках сайта и включите здесь.",
  "notifications.state.unsupported": "Этот браузер не умеет показывать уведомления.",
  "notifications.sound": "Со звуком",
  "notifications.test": "Проверить",
  "notifications.kind.conversation": "Новый диалог",
  "notifications.kind.message": "Новое сообщение от клиента",
  "notifications.kind.mention": "Вас упомянули",
  "notifications.body": "Откройте его в Switchboard.",
} satisfies Keys;

const uk = {
  "presence.label": "Хто ще тут",
  "presence.viewing": "{count, plural, one {{names} переглядає цей діалог} few {{names} переглядають цей діалог} many {{names} переглядають цей діалог} other {{names} переглядають цей діалог}}",
  "presence.typingReply": "{count, plural, one {{names} пише відповідь…} few {{names} пишуть відповідь…} many {{names} пишуть відповідь…} other {{names} пишуть відповідь…}}",
  "presence.typingNote": "{count, plural, one {{names} пише нотатку…} few {{names} пишуть нотатку…} many {{names} пишуть нотатку…} other {{names} пишуть нотатку…}}",
  "presence.conflict": "{count, plural, one {{names} відповів(ла), поки ви писали.} few {{names} відповіли, поки ви писали.} many {{names} відповіли, поки ви писали.} other {{names} відповіли, поки ви писали.}} Прочитайте відповідь, перш ніж надсилати свою.",
  "presence.sendAnyway": "Однаково надіслати",
  "presence.review": "Спершу прочитати",

  "availability.label": "Доступність",
  "availability.online": "У мережі",
  "availability.away": "Немає на місці",
  "availability.awayIdle": "Немає на місці (бездіяльність)",
  "availability.hint": "Нові діалоги розподіляються лише тим, хто в мережі.",

  "notifications.title": "Сповіщення на робочому столі",
  "notifications.description": "Сповіщення й лічильник у заголовку вкладки — про новий діалог на ваших лініях або у ваших командах, про повідомлення клієнта в призначеному вам діалозі та про згадку вас.",
  "notifications.enable": "Увімкнути сповіщення",
  "notifications.disable": "Вимкнути",
  "notifications.state.on": "Увімкнені в цьому браузері.",
  "notifications.state.off": "Вимкнені в цьому браузері.",
  "notifications.state.denied": "Заблоковані: браузер забороняє сповіщення цього сайту. Дозвольте їх у налаштуваннях сайту й увімкніть тут.",
  "notifications.state.unsupported": "Цей браузер не вміє показувати сповіщення.",
  "notifications.sound": "Зі звуком",
  "notifications.test": "Перевірити",
  "notifications.kind.conversation": "Новий діалог",
  "notifications.kind.message": "Нове повідомлення від клієнта",
  "notifications.kind.mention": "Вас згадали",
  "notifications.body": "Відкрийте його в Switchboard.",
} satisfies Keys;

export const presence = { en, ru, uk };
