use super::{ClockZone, Texts};

pub const TEXTS: Texts = Texts {
    #[cfg(feature = "ssr")]
    language_name: "English",
    #[cfg(feature = "ssr")]
    app_name: "SMS sign-in",
    #[cfg(feature = "ssr")]
    start_title: "Sign in with a code by SMS",
    #[cfg(feature = "ssr")]
    start_lead: "No password to remember: enter your mobile number, we send a one-time code, you type it in and you are in your account.",
    #[cfg(feature = "ssr")]
    start_how: [
        "Enter your mobile number.",
        "Get an SMS with a six-digit code.",
        "Type the code: your account opens.",
    ],
    #[cfg(feature = "ssr")]
    start_cta: "Sign in",
    #[cfg(feature = "ssr")]
    step_up_passkey: "The site you came from asks for a sign-in with a passkey. Sign in with yours below; if you have none yet, sign in with a code and add one on your account page first.",
    #[cfg(feature = "ssr")]
    step_up_again: "The site you came from asks you to sign in again: your last sign-in is older than it allows.",
    #[cfg(feature = "ssr")]
    signup_title: "Sign in",
    phone_label: "Mobile number",
    phone_hint: "For example +7 999 123-45-67 or 8 999 123-45-67",
    send_code: "Send code",
    challenge_solving: "Checking your browser, this takes a few seconds…",
    #[cfg(feature = "ssr")]
    verify_title: "Enter the code",
    code_sent_to: "We sent a code by SMS to",
    code_label: "Code from the SMS",
    verify_button: "Sign in",
    resend_button: "Send again",
    resend_in: "You can ask for a new code in {n} s",
    change_number: "Change number",
    new_code: "Get a new code",
    account_title: "Your account",
    account_phone: "Phone",
    account_number: "Account number",
    member_since: "Member since",
    last_sign_in: "Last sign-in",
    #[cfg(feature = "ssr")]
    signout_title: "Sign out",
    #[cfg(feature = "ssr")]
    signout_lead: "Sign out of your account in this browser: on every site you entered through this sign-in.",
    sign_out: "Sign out",
    #[cfg(feature = "ssr")]
    consent_title: "Allow sign-in",
    #[cfg(feature = "ssr")]
    consent_learns_phone: "will learn your phone number and know you by an anonymous account number.",
    #[cfg(feature = "ssr")]
    consent_learns_id: "will know you by an anonymous account number, not your phone number.",
    #[cfg(feature = "ssr")]
    consent_offline: "It may also keep you signed in until you disconnect it on your account page.",
    #[cfg(feature = "ssr")]
    consent_allow: "Allow",
    #[cfg(feature = "ssr")]
    consent_deny: "Deny",
    #[cfg(feature = "ssr")]
    oidc_refused_title: "Cannot sign in",
    #[cfg(feature = "ssr")]
    oidc_refused_lead: "The app that sent you here is not set up to sign in with this service. Tell its owner.",
    apps_title: "Connected apps",
    apps_lead: "Sites and apps you sign in to with this account.",
    app_learns_phone: "knows your phone number",
    app_first_sign_in: "First sign-in",
    app_last_sign_in: "Last sign-in",
    app_disconnect: "Disconnect",
    app_disconnected: "The app is disconnected: the access it had through this account no longer works, and it will ask your permission at its next sign-in. To end a session you still have there, sign out in the app.",
    sessions_title: "Where you are signed in",
    session_this: "this browser",
    session_started: "Signed in",
    session_last_seen: "Last active",
    session_end: "End",
    unknown_device: "Unknown browser",
    #[cfg(feature = "ssr")]
    activity_title: "Activity",
    activity_link: "Account activity: sign-ins, codes, alerts",
    #[cfg(feature = "ssr")]
    activity_lead: "Security events of the last 90 days, newest first.",
    activity_empty: "Nothing has happened yet.",
    #[cfg(feature = "ssr")]
    back_to_account: "← Back to the account",
    times_in: "Times are {zone}.",
    times_local: "Times are in this device's time zone.",
    session_not_me: "Not me",
    sessions_end_others: "End all other sessions",
    not_me_done: "The session has ended and its device is forgotten: its next sign-in will send an SMS again. If you do not recognise other sessions either, end them all.",
    #[cfg(feature = "ssr")]
    event_code_sent: "Code sent",
    #[cfg(feature = "ssr")]
    event_sign_in: "Sign-in",
    #[cfg(feature = "ssr")]
    event_wrong_code: "Wrong code entered",
    #[cfg(feature = "ssr")]
    event_locked: "Sign-in locked until {time}",
    #[cfg(feature = "ssr")]
    event_alert_sent: "New sign-in alert sent by SMS",
    #[cfg(feature = "ssr")]
    event_alert_failed: "New sign-in alert could not be sent",
    #[cfg(feature = "ssr")]
    event_session_ended: "Session ended",
    #[cfg(feature = "ssr")]
    sign_in_first: "first sign-in, account created",
    #[cfg(feature = "ssr")]
    sign_in_known: "known device",
    #[cfg(feature = "ssr")]
    sign_in_new_device: "new device",
    #[cfg(feature = "ssr")]
    sign_in_new_country: "new country",
    #[cfg(feature = "ssr")]
    sign_in_new_both: "new device and country",
    #[cfg(feature = "ssr")]
    ended_by_sign_out: "by signing out",
    #[cfg(feature = "ssr")]
    ended_by_other_session: "from another session",
    #[cfg(feature = "ssr")]
    ended_by_not_me: "with “Not me”",
    geoip_credit: "IP Geolocation by DB-IP",
    loading: "Loading…",
    #[cfg(feature = "ssr")]
    not_found: "There is no such page.",
    months: ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"],
    #[cfg(feature = "ssr")]
    sms_code: "Your code: {code}. Never share it: whoever asks for it is a thief.",
    #[cfg(feature = "ssr")]
    sms_code_from: "Your code: {code}. Never share it: whoever asks for it is a thief. Requested from: {country}.",
    #[cfg(feature = "ssr")]
    sms_alert: "New sign-in to {host}: {details}. Not you? Open the site yourself: Account > Sessions",
    #[cfg(feature = "ssr")]
    sms_operator_new_lane_80: "sms-auth: codes to new numbers spent 80% of their share of the day's SMS ({spent} of {limit}). This looks like SMS pumping.",
    #[cfg(feature = "ssr")]
    sms_operator_new_lane_spent: "sms-auth: the day's SMS share of new numbers is spent ({spent} of {limit}): new numbers get no codes. Returning ones do.",
    #[cfg(feature = "ssr")]
    sms_operator_budget_80: "sms-auth: 80% of the daily SMS budget is spent ({spent} of {limit}).",
    #[cfg(feature = "ssr")]
    sms_operator_challenged: "sms-auth: codes to {numbers} are often requested and never entered. Until {time} new numbers there need a browser check.",
    #[cfg(feature = "ssr")]
    sms_operator_budget_spent: "sms-auth: the daily SMS budget is spent ({spent} of {limit}): no codes go out.",
    err_invalid_phone: "This is not a valid mobile number. Check it and try again.",
    err_country: "We can only send codes to numbers of the countries we serve.",
    err_cooldown: "A code was sent a moment ago. You can ask for a new one in {n} s.",
    err_phone_cap: "Too many codes were sent to this number. Try again in an hour.",
    err_ip_cap: "Too many codes were requested from your network. Try again in an hour.",
    err_budget: "We cannot send more codes today. Please try again tomorrow.",
    err_new_numbers_budget: "We are not sending codes to new numbers right now: too many are being requested. Please try again later.",
    #[cfg(feature = "ssr")]
    err_challenge_required: "Codes to new numbers are sent only after an automatic browser check right now, and it needs JavaScript. Turn JavaScript on and try again, or try again later.",
    #[cfg(feature = "ssr")]
    err_challenge_required_until: "Codes to numbers like yours are often requested and never entered right now, so a code goes out only after an automatic browser check, and it needs JavaScript. Turn JavaScript on and try again, or try again after {time}.",
    err_challenge_failed: "The browser check failed. Reload the page and try again.",
    err_challenge_expired: "The browser check has expired. Please try again.",
    err_locked: "Too many wrong codes for this number. Sign-in is locked until {time}.",
    clock_zone: ClockZone {
        offset_secs: 0,
        name: "UTC",
    },
    err_malformed_code: "The code is 6 digits from the SMS.",
    err_wrong_code: "Wrong code. Tries left: {n}.",
    err_expired: "This code has expired. Ask for a new one.",
    err_too_many_tries: "Too many wrong tries for this code. Ask for a new one.",
    err_no_pending: "There is no code waiting for this browser. Enter your number to get one.",
    err_sms_refused: "We could not send an SMS to this number.",
    err_sms_unavailable: "The SMS service is not available right now. Please try again in a few minutes.",
    err_invalid_authorization: "This sign-in request is not valid. Go back to the app and try again.",
    err_not_signed_in: "Please sign in first.",
    err_internal: "Something went wrong on our side. Please try again.",
    err_transport: "The request did not go through. Check your connection and try again.",
    passkeys_title: "Passkeys",
    passkeys_lead: "Sign in with your fingerprint, face or screen lock instead of an SMS code. A passkey works only on this site, so a fake site cannot steal it.",
    passkeys_empty: "No passkeys yet.",
    passkey_add: "Add a passkey",
    passkey_added: "Passkey added. Next time, sign in with it.",
    passkey_fresh: "To add a passkey, first confirm it is you with a code by SMS.",
    passkey_get_code: "Get a code",
    passkey_created: "Added",
    passkey_last_used: "Last used",
    passkey_never_used: "Not used yet",
    passkey_name_label: "Passkey name",
    passkey_rename: "Rename",
    passkey_remove: "Remove",
    passkey_default_name: "Passkey",
    or: "or",
    sign_in_passkey: "Sign in with a passkey",
    session_by_passkey: "signed in with a passkey",
    #[cfg(feature = "ssr")]
    event_passkey_sign_in: "Sign-in with a passkey",
    #[cfg(feature = "ssr")]
    event_passkey_added: "Passkey added",
    #[cfg(feature = "ssr")]
    event_alert_passkey: "SMS sent about a passkey change",
    #[cfg(feature = "ssr")]
    event_passkey_removed: "Passkey removed",
    #[cfg(feature = "ssr")]
    event_app_sign_in: "Sign-in to an app",
    #[cfg(feature = "ssr")]
    event_app_consent: "App allowed to sign you in",
    #[cfg(feature = "ssr")]
    event_app_disconnected: "App disconnected",
    #[cfg(feature = "ssr")]
    sms_passkey_added: "Passkey added to {host}: {details}. Not you? Open the site yourself: Account > Passkeys",
    #[cfg(feature = "ssr")]
    sms_passkey_removed: "Passkey removed from {host}: {details}. Not you? Open the site yourself: Account > Passkeys",
    err_passkeys_off: "Passkeys are not available on this site.",
    err_passkey_cancelled: "The passkey request was cancelled. Try again, or sign in with a code by SMS.",
    err_passkey_fresh: "To add a passkey, first confirm it is you with a code by SMS.",
    err_passkey_unknown: "This passkey is not registered here, or it was removed. Sign in with a code by SMS.",
    err_passkey_refused: "The passkey's answer did not pass the check. Try again, or sign in with a code by SMS.",
    err_passkey_replayed: "This passkey request was already used. Start again.",
    err_passkey_expired: "The passkey request has expired. Start again.",
    err_passkey_none: "No passkey request was started in this browser. Start again.",
    err_passkey_added_already: "This passkey is already added.",
    err_passkey_name: "A passkey name is 1 to 64 characters.",
};
