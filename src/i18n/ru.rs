use super::{ClockZone, Texts};

pub const TEXTS: Texts = Texts {
    #[cfg(feature = "ssr")]
    language_name: "Русский",
    #[cfg(feature = "ssr")]
    app_name: "Вход по SMS",
    #[cfg(feature = "ssr")]
    start_title: "Вход по коду из SMS",
    #[cfg(feature = "ssr")]
    start_lead: "Без пароля: введите номер мобильного, мы пришлём одноразовый код, вы введёте его и попадёте в личный кабинет.",
    #[cfg(feature = "ssr")]
    start_how: [
        "Введите номер мобильного телефона.",
        "Получите SMS с шестизначным кодом.",
        "Введите код: откроется ваш кабинет.",
    ],
    #[cfg(feature = "ssr")]
    start_cta: "Войти",
    #[cfg(feature = "ssr")]
    step_up_passkey: "Сайт, с которого вы пришли, просит войти с ключом доступа. Войдите с ним ниже; если ключа ещё нет, сначала войдите по коду и добавьте ключ на странице аккаунта.",
    #[cfg(feature = "ssr")]
    step_up_again: "Сайт, с которого вы пришли, просит войти заново: ваш последний вход старше, чем он допускает.",
    #[cfg(feature = "ssr")]
    signup_title: "Вход",
    phone_label: "Номер мобильного",
    phone_hint: "Например, +7 999 123-45-67 или 8 999 123-45-67",
    send_code: "Получить код",
    challenge_solving: "Проверяем браузер, это займёт несколько секунд…",
    #[cfg(feature = "ssr")]
    verify_title: "Введите код",
    code_sent_to: "Мы отправили SMS с кодом на номер",
    code_label: "Код из SMS",
    verify_button: "Войти",
    resend_button: "Отправить снова",
    resend_in: "Новый код можно запросить через {n} с",
    change_number: "Изменить номер",
    new_code: "Получить новый код",
    account_title: "Личный кабинет",
    account_phone: "Телефон",
    account_number: "Номер аккаунта",
    member_since: "С нами с",
    last_sign_in: "Последний вход",
    #[cfg(feature = "ssr")]
    signout_title: "Выход",
    #[cfg(feature = "ssr")]
    signout_lead: "Выйти из аккаунта в этом браузере: на всех сайтах, куда вы вошли через этот вход.",
    sign_out: "Выйти",
    #[cfg(feature = "ssr")]
    consent_title: "Разрешить вход",
    #[cfg(feature = "ssr")]
    consent_learns_phone: "узнает ваш номер телефона и будет знать вас по анонимному номеру аккаунта.",
    #[cfg(feature = "ssr")]
    consent_learns_id: "будет знать вас по анонимному номеру аккаунта, без номера телефона.",
    #[cfg(feature = "ssr")]
    consent_offline: "Вход в него может сохраняться, пока вы не отключите его на странице аккаунта.",
    #[cfg(feature = "ssr")]
    consent_allow: "Разрешить",
    #[cfg(feature = "ssr")]
    consent_deny: "Отказать",
    #[cfg(feature = "ssr")]
    oidc_refused_title: "Вход невозможен",
    #[cfg(feature = "ssr")]
    oidc_refused_lead: "Приложение, которое вас сюда направило, не настроено для входа через этот сервис. Сообщите его владельцу.",
    apps_title: "Подключённые приложения",
    apps_lead: "Сайты и приложения, в которые вы входите с этим аккаунтом.",
    app_learns_phone: "знает ваш номер телефона",
    app_first_sign_in: "Первый вход",
    app_last_sign_in: "Последний вход",
    app_disconnect: "Отключить",
    app_disconnected: "Приложение отключено: доступ, который оно получило через этот аккаунт, больше не действует, и при следующем входе оно снова спросит разрешения. Чтобы завершить сеанс, открытый в нём, выйдите в самом приложении.",
    sessions_title: "Где выполнен вход",
    session_this: "этот браузер",
    session_started: "Вход",
    session_last_seen: "Активность",
    session_end: "Завершить",
    unknown_device: "Неизвестный браузер",
    #[cfg(feature = "ssr")]
    activity_title: "Активность",
    activity_link: "Активность аккаунта: входы, коды, предупреждения",
    #[cfg(feature = "ssr")]
    activity_lead: "События безопасности за последние 90 дней, сначала новые.",
    activity_empty: "Пока ничего не произошло.",
    #[cfg(feature = "ssr")]
    back_to_account: "← В личный кабинет",
    times_in: "Время — {zone}.",
    times_local: "Время — по часовому поясу этого устройства.",
    session_not_me: "Это не я",
    sessions_end_others: "Завершить все другие сеансы",
    not_me_done: "Сеанс завершён, его устройство забыто: следующий вход с него снова пришлёт SMS. Если вы не узнаёте и другие сеансы, завершите их все.",
    #[cfg(feature = "ssr")]
    event_code_sent: "Отправлен код",
    #[cfg(feature = "ssr")]
    event_sign_in: "Вход",
    #[cfg(feature = "ssr")]
    event_wrong_code: "Введён неверный код",
    #[cfg(feature = "ssr")]
    event_locked: "Вход заблокирован до {time}",
    #[cfg(feature = "ssr")]
    event_alert_sent: "Отправлено SMS о новом входе",
    #[cfg(feature = "ssr")]
    event_alert_failed: "SMS о новом входе не отправлено",
    #[cfg(feature = "ssr")]
    event_session_ended: "Сеанс завершён",
    #[cfg(feature = "ssr")]
    sign_in_first: "первый вход, аккаунт создан",
    #[cfg(feature = "ssr")]
    sign_in_known: "известное устройство",
    #[cfg(feature = "ssr")]
    sign_in_new_device: "новое устройство",
    #[cfg(feature = "ssr")]
    sign_in_new_country: "новая страна",
    #[cfg(feature = "ssr")]
    sign_in_new_both: "новое устройство и страна",
    #[cfg(feature = "ssr")]
    ended_by_sign_out: "выходом",
    #[cfg(feature = "ssr")]
    ended_by_other_session: "из другого сеанса",
    #[cfg(feature = "ssr")]
    ended_by_not_me: "кнопкой «Это не я»",
    geoip_credit: "Страны по IP-адресу: DB-IP",
    loading: "Загрузка…",
    #[cfg(feature = "ssr")]
    not_found: "Такой страницы нет.",
    months: ["января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября", "ноября", "декабря"],
    #[cfg(feature = "ssr")]
    sms_code: "Код {code}. Никому его не сообщайте",
    #[cfg(feature = "ssr")]
    sms_code_from: "Код {code}. Никому его не сообщайте! Запрошен из: {country}",
    #[cfg(feature = "ssr")]
    sms_alert: "Новый вход в {host}: {details}. Не вы? Откройте сайт сами: Аккаунт → Сеансы",
    #[cfg(feature = "ssr")]
    sms_operator_new_lane_80: "sms-auth: коды на новые номера израсходовали 80% своей доли SMS на сутки ({spent} из {limit}). Похоже на SMS-накрутку.",
    #[cfg(feature = "ssr")]
    sms_operator_new_lane_spent: "sms-auth: доля SMS на сутки для новых номеров израсходована ({spent} из {limit}): новым номерам коды не идут. Вернувшимся идут.",
    #[cfg(feature = "ssr")]
    sms_operator_budget_80: "sms-auth: израсходовано 80% дневного бюджета SMS ({spent} из {limit}).",
    #[cfg(feature = "ssr")]
    sms_operator_challenged: "sms-auth: на номера {numbers} часто запрашивают коды и не вводят их. До {time} новым номерам там нужна проверка браузера.",
    #[cfg(feature = "ssr")]
    sms_operator_budget_spent: "sms-auth: дневной бюджет SMS израсходован ({spent} из {limit}): коды не отправляются.",
    err_invalid_phone: "Это не похоже на номер мобильного. Проверьте его и попробуйте снова.",
    err_country: "Мы отправляем коды только на номера обслуживаемых стран.",
    err_cooldown: "Код только что отправлен. Новый можно запросить через {n} с.",
    err_phone_cap: "На этот номер отправлено слишком много кодов. Попробуйте через час.",
    err_ip_cap: "Из вашей сети запрошено слишком много кодов. Попробуйте через час.",
    err_budget: "Сегодня мы больше не можем отправлять коды. Попробуйте завтра.",
    err_new_numbers_budget: "Сейчас мы не отправляем коды на новые номера: их запрашивают слишком часто. Попробуйте позже.",
    #[cfg(feature = "ssr")]
    err_challenge_required: "Сейчас коды на новые номера отправляются только после автоматической проверки браузера, а ей нужен JavaScript. Включите JavaScript и попробуйте снова или попробуйте позже.",
    #[cfg(feature = "ssr")]
    err_challenge_required_until: "Коды на номера, похожие на ваш, сейчас часто запрашивают и не вводят, поэтому код отправится только после автоматической проверки браузера, а ей нужен JavaScript. Включите JavaScript и попробуйте снова или попробуйте после {time}.",
    err_challenge_failed: "Проверка браузера не пройдена. Обновите страницу и попробуйте снова.",
    err_challenge_expired: "Проверка браузера устарела. Попробуйте снова.",
    err_locked: "Слишком много неверных кодов для этого номера. Вход заблокирован до {time}.",
    clock_zone: ClockZone {
        offset_secs: 3 * 3600,
        name: "МСК",
    },
    err_malformed_code: "Код — это 6 цифр из SMS.",
    err_wrong_code: "Неверный код. Осталось попыток: {n}.",
    err_expired: "Срок действия кода истёк. Запросите новый.",
    err_too_many_tries: "Слишком много неверных попыток. Запросите новый код.",
    err_no_pending: "Для этого браузера нет ожидающего кода. Введите номер, чтобы получить код.",
    err_sms_refused: "Не удалось отправить SMS на этот номер.",
    err_sms_unavailable: "Сервис SMS сейчас недоступен. Попробуйте через несколько минут.",
    err_invalid_authorization: "Этот запрос на вход недействителен. Вернитесь в приложение и попробуйте снова.",
    err_not_signed_in: "Сначала войдите.",
    err_internal: "У нас что-то пошло не так. Попробуйте ещё раз.",
    err_transport: "Запрос не прошёл. Проверьте соединение и попробуйте снова.",
    passkeys_title: "Ключи доступа",
    passkeys_lead: "Входите по отпечатку, лицу или блокировке экрана вместо кода из SMS. Ключ доступа работает только на этом сайте, поэтому поддельный сайт не сможет его украсть.",
    passkeys_empty: "Ключей доступа пока нет.",
    passkey_add: "Добавить ключ доступа",
    passkey_added: "Ключ доступа добавлен. В следующий раз входите с ним.",
    passkey_fresh: "Чтобы добавить ключ доступа, сначала подтвердите, что это вы, кодом из SMS.",
    passkey_get_code: "Получить код",
    passkey_created: "Добавлен",
    passkey_last_used: "Последний вход",
    passkey_never_used: "Ещё не использовался",
    passkey_name_label: "Название ключа",
    passkey_rename: "Переименовать",
    passkey_remove: "Удалить",
    passkey_default_name: "Ключ доступа",
    or: "или",
    sign_in_passkey: "Войти с ключом доступа",
    session_by_passkey: "вход с ключом доступа",
    #[cfg(feature = "ssr")]
    event_passkey_sign_in: "Вход с ключом доступа",
    #[cfg(feature = "ssr")]
    event_passkey_added: "Добавлен ключ доступа",
    #[cfg(feature = "ssr")]
    event_alert_passkey: "Отправлено SMS об изменении ключей доступа",
    #[cfg(feature = "ssr")]
    event_passkey_removed: "Удалён ключ доступа",
    #[cfg(feature = "ssr")]
    event_app_sign_in: "Вход в приложение",
    #[cfg(feature = "ssr")]
    event_app_consent: "Приложению разрешён вход",
    #[cfg(feature = "ssr")]
    event_app_disconnected: "Приложение отключено",
    #[cfg(feature = "ssr")]
    sms_passkey_added: "В {host} добавлен ключ доступа: {details}. Не вы? Откройте сайт сами: Аккаунт → Ключи доступа",
    #[cfg(feature = "ssr")]
    sms_passkey_removed: "В {host} удалён ключ доступа: {details}. Не вы? Откройте сайт сами: Аккаунт → Ключи доступа",
    err_passkeys_off: "Ключи доступа на этом сайте недоступны.",
    err_passkey_cancelled: "Запрос ключа доступа отменён. Попробуйте ещё раз или войдите по коду из SMS.",
    err_passkey_fresh: "Чтобы добавить ключ доступа, сначала подтвердите, что это вы, кодом из SMS.",
    err_passkey_unknown: "Этот ключ доступа здесь не зарегистрирован или удалён. Войдите по коду из SMS.",
    err_passkey_refused: "Ответ ключа доступа не прошёл проверку. Попробуйте ещё раз или войдите по коду из SMS.",
    err_passkey_replayed: "Этот запрос ключа доступа уже использован. Начните заново.",
    err_passkey_expired: "Срок запроса ключа доступа истёк. Начните заново.",
    err_passkey_none: "В этом браузере не начат запрос ключа доступа. Начните заново.",
    err_passkey_added_already: "Этот ключ доступа уже добавлен.",
    err_passkey_name: "Название ключа — от 1 до 64 символов.",
};
