/**
 * Secrets at rest: {@link dev.steward.secrets.SecretCipher} seals a workspace's secret values (block documents'
 * secret fields) into opaque tokens and opens them again; {@link dev.steward.secrets.KeyRotation} re-wraps the data
 * keys under a new master key ({@code POST /api/admin/secrets/rotate}, {@code bin/steward secrets rotate}).
 *
 * <p>Rules that hold here:
 * <ul>
 * <li>Envelope encryption with the JDK's AES-256-GCM only (random 12-byte nonce, 128-bit tag), never a primitive of
 * our own: each workspace has one random data key (table {@code workspace_data_key}), stored only wrapped by the
 * master key ({@code steward.secrets.key}) with the workspace id as associated data. A sealed value binds its
 * workspace and its context (which object, which field) as associated data: it opens nowhere else.</li>
 * <li>No profile starts without a well-formed master key; a message names the setting ({@code STEWARD_SECRETS_KEY},
 * {@code STEWARD_SECRETS_PREVIOUS_KEYS}), never a value. Key material and plaintext appear in no log, exception,
 * event or audit record; a master key is named by its id (the first 8 bytes of its SHA-256).</li>
 * <li>Rotation re-wraps data keys and leaves every sealed value as it is; a key it cannot re-wrap is reported.</li>
 * <li>This package's SQL runs in transactions of its own, never the caller's: a data key cached in memory must be
 * committed.</li>
 * <li>Depends on {@code platform} and on {@code access} (the admin route's declaration, the system admission under which
 * a rotation's audit record is written); the audit trail hears of a rotation through {@code LifecycleChange}, so no
 * capability below is named here.</li>
 * </ul>
 */
package dev.steward.secrets;
