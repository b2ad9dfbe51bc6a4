/**
 * Catalog area: keys in English first; ru and uk must carry every key (`satisfies` makes the type checker say so).
 * Messages are ICU: {name}, {count, plural, one {# …} few {# …} many {# …} other {# …}}.
 *
 * This area: Settings → Company (the alert email, the language of the company's emails, its time zone), the
 * notice sent when the alert email changes, the recovered count of the "connected again" email, and the sign-in
 * page's words for a person whose account was deactivated while their tab was open.
 */
const en = {
  "company.nav": "Company",
  "company.title": "Company",
  "company.description": "Where connection alerts go, the language of the company’s emails, and the time zone of every time in them and on the health charts.",
  "company.alertEmail": "Alert email",
  "company.alertEmail.hint": "Connection-loss and “connected again” emails go here. A change applies at once, and both the old and the new address are told.",
  "company.emailLocale": "Language of emails",
  "company.emailLocale.hint": "Alerts and invitations are written in it. A password reset goes in the person’s own language when they have chosen one.",
  "company.timeZone": "Time zone",
  "company.timeZone.hint": "Times in emails and on the health charts are in this zone, with the zone named. Type to search: a city such as Moscow or Kyiv.",
  "company.timeZone.useBrowser": "Use this browser’s time zone ({zone})",
  "company.timeZone.now": "Now in this zone: {when}",
  "company.save": "Save",
  "company.saving": "Saving…",
  "company.saved": "Saved. The next emails use these settings.",
  "company.saved.alertMoved": "Saved. Alerts now go to {email}; the old and the new address were both told (see the Mailbox).",
  "company.errors.alertEmail": "Enter a valid email address, such as support@example.com.",
  "company.errors.emailLocale": "Choose one of the languages.",
  "company.errors.timeZone": "Choose a time zone from the list, such as Europe/Moscow.",
  "company.email.alertChanged.subject": "Switchboard alerts of {company} now go to {new}",
  "company.email.alertChanged.bodyOld": "{name} changed the alert email of {company} on {when}: connection alerts go to {new} from now on, no longer to {old}.",
  "company.email.alertChanged.bodyNew": "{name} made {new} the alert email of {company} on {when}: when a channel loses its connection, the email comes here.",
  "company.email.alertChanged.notYou": "If this was not meant, an admin of {company} can change it back in Settings → Company.",
  "company.email.alertChanged.footer": "You receive this because the alert email of {company} on Switchboard changed.",
  "people.mailbox.kind.alert_email_changed": "Alert email changed",
  "health.email.restored.recovered": "{count, plural, =0 {No customer messages were missed while it was down.} one {# message recovered: written while the channel was down, it is in the inbox now.} other {# messages recovered: written while the channel was down, they are in the inbox now.}}",
  "company.health.zone": "Days and times in the company’s time zone: {zone}.",
  "account.signIn.deactivated": "An admin deactivated your account, so you were signed out. Ask an admin of your company to reactivate it.",
} as const;

type Keys = { [K in keyof typeof en]: string };

const ru = {
  "company.nav": "Компания",
  "company.title": "Компания",
  "company.description": "Куда приходят оповещения о подключении, на каком языке письма компании и в каком часовом поясе все время в них и на графиках состояния.",
  "company.alertEmail": "Адрес для оповещений",
  "company.alertEmail.hint": "Сюда приходят письма о потере подключения и о том, что канал снова подключён. Изменение действует сразу, и об этом сообщается и старому, и новому адресу.",
  "company.emailLocale": "Язык писем",
  "company.emailLocale.hint": "На нём пишутся оповещения и приглашения. Письмо для сброса пароля приходит на языке самого человека, если он его выбрал.",
  "company.timeZone": "Часовой пояс",
  "company.timeZone.hint": "Время в письмах и на графиках состояния указывается в этом поясе, с его названием. Начните вводить для поиска: город, например Moscow или Kyiv.",
  "company.timeZone.useBrowser": "Взять часовой пояс этого браузера ({zone})",
  "company.timeZone.now": "Сейчас в этом поясе: {when}",
  "company.save": "Сохранить",
  "company.saving": "Сохранение…",
  "company.saved": "Сохранено. Следующие письма будут с этими настройками.",
  "company.saved.alertMoved": "Сохранено. Оповещения теперь приходят на {email}; старому и новому адресу отправлено уведомление (см. «Почту»).",
  "company.errors.alertEmail": "Введите правильный адрес электронной почты, например support@example.com.",
  "company.errors.emailLocale": "Выберите один из языков.",
  "company.errors.timeZone": "Выберите часовой пояс из списка, например Europe/Moscow.",
  "company.email.alertChanged.subject": "Оповещения Switchboard для {company} теперь приходят на {new}",
  "company.email.alertChanged.bodyOld": "{name} изменил(а) адрес для оповещений {company} {when}: оповещения о подключении теперь приходят на {new}, а не на {old}.",
  "company.email.alertChanged.bodyNew": "{name} указал(а) {new} как адрес для оповещений {company} {when}: когда канал теряет подключение, письмо приходит сюда.",
  "company.email.alertChanged.notYou": "Если это ошибка, администратор {company} может вернуть прежний адрес в «Настройки → Компания».",
  "company.email.alertChanged.footer": "Вы получили это письмо, потому что изменился адрес для оповещений {company} в Switchboard.",
  "people.mailbox.kind.alert_email_changed": "Адрес оповещений изменён",
  "health.email.restored.recovered": "{count, plural, =0 {Пока канал не работал, сообщения клиентов не пропали.} one {Восстановлено # сообщение: оно написано, пока канал не работал, и уже во входящих.} few {Восстановлено # сообщения: они написаны, пока канал не работал, и уже во входящих.} many {Восстановлено # сообщений: они написаны, пока канал не работал, и уже во входящих.} other {Восстановлено # сообщения: они написаны, пока канал не работал, и уже во входящих.}}",
  "company.health.zone": "Дни и время — в часовом поясе компании: {zone}.",
  "account.signIn.deactivated": "Администратор деактивировал вашу учётную запись, поэтому вы вышли из системы. Попросите администратора вашей компании активировать её снова.",
} satisfies Keys;

const uk = {
  "company.nav": "Компанія",
  "company.title": "Компанія",
  "company.description": "Куди надходять сповіщення про підключення, якою мовою листи компанії та в якому часовому поясі весь час у них і на графіках стану.",
  "company.alertEmail": "Адреса для сповіщень",
  "company.alertEmail.hint": "Сюди надходять листи про втрату підключення й про те, що канал знову підключено. Зміна діє одразу, і про неї повідомляється і старій, і новій адресі.",
  "company.emailLocale": "Мова листів",
  "company.emailLocale.hint": "Нею пишуться сповіщення й запрошення. Лист для скидання пароля надходить мовою самої людини, якщо вона її обрала.",
  "company.timeZone": "Часовий пояс",
  "company.timeZone.hint": "Час у листах і на графіках стану вказується в цьому поясі, з його назвою. Почніть вводити для пошуку: місто, наприклад Kyiv або Moscow.",
  "company.timeZone.useBrowser": "Взяти часовий пояс цього браузера ({zone})",
  "company.timeZone.now": "Зараз у цьому поясі: {when}",
  "company.save": "Зберегти",
  "company.saving": "Збереження…",
  "company.saved": "Збережено. Наступні листи будуть із цими налаштуваннями.",
  "company.saved.alertMoved": "Збережено. Сповіщення тепер надходять на {email}; старій і новій адресі надіслано повідомлення (див. «Пошту»).",
  "company.errors.alertEmail": "Введіть правильну адресу електронної пошти, наприклад support@example.com.",
  "company.errors.emailLocale": "Оберіть одну з мов.",
  "company.errors.timeZone": "Оберіть часовий пояс зі списку, наприклад Europe/Kyiv.",
  "company.email.alertChanged.subject": "Сповіщення Switchboard для {company} тепер надходять на {new}",
  "company.email.alertChanged.bodyOld": "{name} змінив(-ла) адресу для сповіщень {company} {when}: сповіщення про підключення тепер надходять на {new}, а не на {old}.",
  "company.email.alertChanged.bodyNew": "{name} вказав(-ла) {new} як адресу для сповіщень {company} {when}: коли канал втрачає підключення, лист надходить сюди.",
  "company.email.alertChanged.notYou": "Якщо це помилка, адміністратор {company} може повернути попередню адресу в «Налаштування → Компанія».",
  "company.email.alertChanged.footer": "Ви отримали цей лист, бо змінилася адреса для сповіщень {company} у Switchboard.",
  "people.mailbox.kind.alert_email_changed": "Адресу сповіщень змінено",
  "health.email.restored.recovered": "{count, plural, =0 {Поки канал не працював, повідомлення клієнтів не загубилися.} one {Відновлено # повідомлення: його написано, поки канал не працював, і воно вже у вхідних.} few {Відновлено # повідомлення: їх написано, поки канал не працював, і вони вже у вхідних.} many {Відновлено # повідомлень: їх написано, поки канал не працював, і вони вже у вхідних.} other {Відновлено # повідомлення: їх написано, поки канал не працював, і вони вже у вхідних.}}",
  "company.health.zone": "Дні та час — у часовому поясі компанії: {zone}.",
  "account.signIn.deactivated": "Адміністратор деактивував ваш обліковий запис, тому ви вийшли з системи. Попросіть адміністратора вашої компанії активувати його знову.",
} satisfies Keys;

export const company = { en, ru, uk };
