/**
 * Catalog area: keys in English first; ru and uk must carry every key (`satisfies` makes the type checker say so).
 * Messages are ICU: {name}, {count, plural, one {# …} few {# …} many {# …} other {# …}}.
 *
 * This area: signing in safely — throttled sign-in, forgotten passwords, the account page (change password,
 * sign out everywhere), an admin's reset and sign-out of a person, first-run setup, and errors without internals.
 */
const en = {
  "account.signIn.throttled": "Too many attempts. Try again in {minutes, plural, one {# minute} other {# minutes}}, or reset your password.",
  "account.signIn.forgot": "Forgot your password?",
  "account.signIn.sessionEnded": "Your session has ended. Sign in again.",

  "account.forgot.title": "Reset your password",
  "account.forgot.intro": "Enter the email you sign in with. We will send a link to choose a new password.",
  "account.forgot.submit": "Send the link",
  "account.forgot.sent": "If {email} belongs to an account, a link to choose a new password is on its way. It works once, for 1 hour.",
  "account.forgot.backToSignIn": "Back to sign in",
  "account.forgot.invalidEmail": "Enter an email address, like name@example.com.",

  "account.reset.title": "Choose a new password",
  "account.reset.done": "Your password is changed, and every session you had is signed out. Sign in with the new password.",
  "account.reset.expired": "This link has expired: password reset links work for 1 hour. Ask for a new one.",
  "account.reset.askAgain": "Ask for a new link",

  "account.nav": "Account",
  "account.page.title": "Your account",
  "account.page.signedInAs": "Signed in as {name} ({email}).",
  "account.password.title": "Change password",
  "account.password.current": "Current password",
  "account.password.new": "New password",
  "account.password.confirm": "Repeat the new password",
  "account.password.submit": "Change password",
  "account.password.done": "Your password is changed. Your other sessions were signed out; this one stays.",
  "account.password.wrongCurrent": "The current password is wrong.",
  "account.password.throttled": "Too many wrong passwords. Try again later, or sign out and reset your password.",
  "account.sessions.title": "Sessions",
  "account.sessions.intro": "Signed in on a shared computer or a lost phone? Sign out everywhere: every browser, this one included, has to sign in again.",
  "account.sessions.signOutEverywhere": "Sign out everywhere",

  "account.people.sendReset": "Send a password reset",
  "account.people.resetSent": "A link to choose a new password was sent to {email}. It works once, for 1 hour.",
  "account.people.signOutEverywhere": "Sign out everywhere",
  "account.people.signedOut": "{name} is signed out {count, plural, =0 {(no open sessions)} one {of # session} other {of # sessions}}.",

  "account.errors.internal": "Something went wrong on our side. Try again; if it keeps happening, give your admin this code: {id}.",
  "account.errors.unavailable": "The service is briefly unavailable. Try again in a moment.",
  "account.errors.badText": "The text contains characters that cannot be stored (such as a NUL character). Remove them and try again.",
  "account.errors.pageTitle": "Something went wrong",
  "account.errors.pageBody": "We could not show this page. Try again; if it keeps happening, give your admin this code:",
  "account.errors.retry": "Try again",
  "account.errors.home": "Go to the inbox",

  "account.email.reset.subject": "Choose a new password for Switchboard",
  "account.email.reset.preview": "A link to choose a new password for {company} on Switchboard.",
  "account.email.reset.heading": "Choose a new password",
  "account.email.reset.greeting": "Hello {name},",
  "account.email.reset.bodySelf": "Someone (we hope you) asked to reset your password for {company} on Switchboard.",
  "account.email.reset.bodyAdmin": "{admin}, an admin of {company}, sent you a link to choose a new password for Switchboard.",
  "account.email.reset.button": "Choose a new password",
  "account.email.reset.linkHint": "If the button does not work, open this link:",
  "account.email.reset.expires": "The link works once and expires on {when}. Choosing a new password signs you out everywhere.",
  "account.email.reset.footer": "If you did not ask for this, ignore this email: your password stays as it is.",
} as const;

type Keys = { [K in keyof typeof en]: string };

const ru = {
  "account.signIn.throttled": "Слишком много попыток. Попробуйте через {minutes, plural, one {# минуту} few {# минуты} many {# минут} other {# минуты}} или сбросьте пароль.",
  "account.signIn.forgot": "Забыли пароль?",
  "account.signIn.sessionEnded": "Сеанс завершён. Войдите снова.",

  "account.forgot.title": "Сброс пароля",
  "account.forgot.intro": "Введите email, с которым вы входите. Мы пришлём ссылку, чтобы задать новый пароль.",
  "account.forgot.submit": "Отправить ссылку",
  "account.forgot.sent": "Если {email} принадлежит аккаунту, ссылка для нового пароля уже в пути. Она работает один раз, 1 час.",
  "account.forgot.backToSignIn": "Вернуться ко входу",
  "account.forgot.invalidEmail": "Введите адрес почты, например name@example.com.",

  "account.reset.title": "Задайте новый пароль",
  "account.reset.done": "Пароль изменён, все ваши сеансы завершены. Войдите с новым паролем.",
  "account.reset.expired": "Срок ссылки истёк: ссылки для сброса пароля работают 1 час. Запросите новую.",
  "account.reset.askAgain": "Запросить новую ссылку",

  "account.nav": "Аккаунт",
  "account.page.title": "Ваш аккаунт",
  "account.page.signedInAs": "Вы вошли как {name} ({email}).",
  "account.password.title": "Смена пароля",
  "account.password.current": "Текущий пароль",
  "account.password.new": "Новый пароль",
  "account.password.confirm": "Повторите новый пароль",
  "account.password.submit": "Сменить пароль",
  "account.password.done": "Пароль изменён. Другие ваши сеансы завершены, этот продолжается.",
  "account.password.wrongCurrent": "Текущий пароль неверен.",
  "account.password.throttled": "Слишком много неверных паролей. Попробуйте позже или выйдите и сбросьте пароль.",
  "account.sessions.title": "Сеансы",
  "account.sessions.intro": "Входили на чужом компьютере или потеряли телефон? Выйдите везде: всем браузерам, включая этот, придётся войти заново.",
  "account.sessions.signOutEverywhere": "Выйти везде",

  "account.people.sendReset": "Отправить сброс пароля",
  "account.people.resetSent": "Ссылка для нового пароля отправлена на {email}. Она работает один раз, 1 час.",
  "account.people.signOutEverywhere": "Выйти везде",
  "account.people.signedOut": "{name}: {count, plural, =0 {открытых сеансов не было} one {завершён # сеанс} few {завершены # сеанса} many {завершено # сеансов} other {завершено # сеанса}}.",

  "account.errors.internal": "У нас что-то пошло не так. Попробуйте ещё раз; если ошибка повторяется, сообщите администратору код: {id}.",
  "account.errors.unavailable": "Сервис ненадолго недоступен. Попробуйте через минуту.",
  "account.errors.badText": "В тексте есть символы, которые нельзя сохранить (например, символ NUL). Уберите их и попробуйте снова.",
  "account.errors.pageTitle": "Что-то пошло не так",
  "account.errors.pageBody": "Не удалось показать страницу. Попробуйте ещё раз; если ошибка повторяется, сообщите администратору код:",
  "account.errors.retry": "Попробовать снова",
  "account.errors.home": "Перейти во входящие",

  "account.email.reset.subject": "Новый пароль для Switchboard",
  "account.email.reset.preview": "Ссылка, чтобы задать новый пароль для {company} в Switchboard.",
  "account.email.reset.heading": "Задайте новый пароль",
  "account.email.reset.greeting": "Здравствуйте, {name}!",
  "account.email.reset.bodySelf": "Кто-то (надеемся, вы) запросил сброс вашего пароля для {company} в Switchboard.",
  "account.email.reset.bodyAdmin": "{admin}, администратор {company}, отправил вам ссылку, чтобы задать новый пароль для Switchboard.",
  "account.email.reset.button": "Задать новый пароль",
  "account.email.reset.linkHint": "Если кнопка не работает, откройте ссылку:",
  "account.email.reset.expires": "Ссылка работает один раз и истекает {when}. Новый пароль завершит все ваши сеансы.",
  "account.email.reset.footer": "Если вы не запрашивали сброс, просто проигнорируйте письмо: пароль останется прежним.",
} satisfies Keys;

const uk = {
  "account.signIn.throttled": "Забагато спроб. Спробуйте через {minutes, plural, one {# хвилину} few {# хвилини} many {# хвилин} other {# хвилини}} або скиньте пароль.",
  "account.signIn.forgot": "Забули пароль?",
  "account.signIn.sessionEnded": "Сеанс завершено. Увійдіть знову.",

  "account.forgot.title": "Скидання пароля",
  "account.forgot.intro": "Введіть email, з яким ви входите. Ми надішлемо посилання, щоб задати новий пароль.",
  "account.forgot.submit": "Надіслати посилання",
  "account.forgot.sent": "Якщо {email} належить акаунту, посилання для нового пароля вже в дорозі. Воно працює один раз, 1 годину.",
  "account.forgot.backToSignIn": "Повернутися до входу",
  "account.forgot.invalidEmail": "Введіть адресу пошти, наприклад name@example.com.",

  "account.reset.title": "Задайте новий пароль",
  "account.reset.done": "Пароль змінено, усі ваші сеанси завершено. Увійдіть із новим паролем.",
  "account.reset.expired": "Термін посилання минув: посилання для скидання пароля працюють 1 годину. Запросіть нове.",
  "account.reset.askAgain": "Запросити нове посилання",

  "account.nav": "Акаунт",
  "account.page.title": "Ваш акаунт",
  "account.page.signedInAs": "Ви увійшли як {name} ({email}).",
  "account.password.title": "Зміна пароля",
  "account.password.current": "Поточний пароль",
  "account.password.new": "Новий пароль",
  "account.password.confirm": "Повторіть новий пароль",
  "account.password.submit": "Змінити пароль",
  "account.password.done": "Пароль змінено. Інші ваші сеанси завершено, цей триває.",
  "account.password.wrongCurrent": "Поточний пароль неправильний.",
  "account.password.throttled": "Забагато неправильних паролів. Спробуйте пізніше або вийдіть і скиньте пароль.",
  "account.sessions.title": "Сеанси",
  "account.sessions.intro": "Входили на чужому комп'ютері чи загубили телефон? Вийдіть усюди: усім браузерам, і цьому теж, доведеться увійти знову.",
  "account.sessions.signOutEverywhere": "Вийти всюди",

  "account.people.sendReset": "Надіслати скидання пароля",
  "account.people.resetSent": "Посилання для нового пароля надіслано на {email}. Воно працює один раз, 1 годину.",
  "account.people.signOutEverywhere": "Вийти всюди",
  "account.people.signedOut": "{name}: {count, plural, =0 {відкритих сеансів не було} one {завершено # сеанс} few {завершено # сеанси} many {завершено # сеансів} other {завершено # сеансу}}.",

  "account.errors.internal": "У нас щось пішло не так. Спробуйте ще раз; якщо помилка повторюється, повідомте адміністратору код: {id}.",
  "account.errors.unavailable": "Сервіс ненадовго недоступний. Спробуйте за хвилину.",
  "account.errors.badText": "У тексті є символи, які не можна зберегти (наприклад, символ NUL). Приберіть їх і спробуйте знову.",
  "account.errors.pageTitle": "Щось пішло не так",
  "account.errors.pageBody": "Не вдалося показати сторінку. Спробуйте ще раз; якщо помилка повторюється, повідомте адміністратору код:",
  "account.errors.retry": "Спробувати знову",
  "account.errors.home": "Перейти до вхідних",

  "account.email.reset.subject": "Новий пароль для Switchboard",
  "account.email.reset.preview": "Посилання, щоб задати новий пароль для {company} у Switchboard.",
  "account.email.reset.heading": "Задайте новий пароль",
  "account.email.reset.greeting": "Вітаємо, {name}!",
  "account.email.reset.bodySelf": "Хтось (сподіваємося, ви) запросив скидання вашого пароля для {company} у Switchboard.",
  "account.email.reset.bodyAdmin": "{admin}, адміністратор {company}, надіслав вам посилання, щоб задати новий пароль для Switchboard.",
  "account.email.reset.button": "Задати новий пароль",
  "account.email.reset.linkHint": "Якщо кнопка не працює, відкрийте посилання:",
  "account.email.reset.expires": "Посилання працює один раз і спливає {when}. Новий пароль завершить усі ваші сеанси.",
  "account.email.reset.footer": "Якщо ви не запитували скидання, просто проігноруйте лист: пароль залишиться колишнім.",
} satisfies Keys;

export const account = { en, ru, uk };
