-- The account's activity tells its sign-ins to apps through the OpenID provider,
-- its consents and its disconnections (`app_sign_in`, `app_consent`,
-- `app_disconnected`): each names the app as it was named then (its registered
-- name), as a passkey's events name the passkey.
ALTER TABLE security_events ADD COLUMN app TEXT;
