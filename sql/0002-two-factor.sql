-- panel-fcgi schema migration 0002: two-factor login checkpoints.
--
-- users.checkpoint_nonce holds the nonce of the one login checkpoint token
-- that may still be redeemed (the token carries it, signed). Redeeming it
-- clears the column in one UPDATE, so a token works once, and a new login
-- replaces an older token. Same file rules as 0001.

ALTER TABLE users
    ADD COLUMN IF NOT EXISTS checkpoint_nonce CHAR(16) CHARACTER SET ascii COLLATE ascii_bin NULL
        AFTER totp_last_step;
