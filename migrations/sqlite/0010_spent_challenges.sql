-- The proofs of work answered (src/otp/pow.rs): each challenge's nonce, kept until
-- the challenge expires, so a solved challenge lets one request through, ever.
CREATE TABLE spent_challenges (
    nonce      TEXT PRIMARY KEY,
    expires_at INTEGER NOT NULL   -- unix seconds
);
CREATE INDEX spent_challenges_expires ON spent_challenges (expires_at);
