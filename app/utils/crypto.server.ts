/**
 * Sealing webhook bodies while they wait in the queue (they carry personal data until applied),
 * and keyed hashes for redaction markers. Keys derive from the app secret, so no extra
 * configuration is needed and rotating the secret only affects in-flight rows.
 */
import crypto from "node:crypto";

const keys = new Map<string, Buffer>();
function key(secret: string, purpose: string): Buffer {
  const id = `${purpose}\0${secret}`;
  let k = keys.get(id);
  if (!k) {
    k = Buffer.from(crypto.hkdfSync("sha256", secret, "attune", purpose, 32));
    keys.set(id, k);
  }
  return k;
}

export function seal(secret: string, plaintext: string): string {
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv("aes-256-gcm", key(secret, "queue-payload"), iv);
  const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString("base64");
}

export function unseal(secret: string, sealed: string): string {
  const buf = Buffer.from(sealed, "base64");
  const decipher = crypto.createDecipheriv("aes-256-gcm", key(secret, "queue-payload"), buf.subarray(0, 12));
  decipher.setAuthTag(buf.subarray(12, 28));
  return Buffer.concat([decipher.update(buf.subarray(28)), decipher.final()]).toString("utf8");
}

export function customerHash(secret: string, shop: string, customerId: string): string {
  return crypto.createHmac("sha256", key(secret, "redaction")).update(`${shop}\0${customerId}`).digest("hex");
}
