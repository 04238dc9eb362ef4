// The field app's encrypted store on the device (IndexedDB database "donghanh-field").
//
// Key scheme
// - A random AES-GCM-256 data key K encrypts every stored value: a fresh 96-bit IV per value and
//   the store name and record id as additional data, so a ciphertext moved to another record
//   does not decrypt. In memory K is a non-extractable CryptoKey.
// - K is kept only wrapped (AES-GCM, its own random IV and additional data):
//   (1) under a key derived with HKDF-SHA-256 from the server's device secret (32 random bytes,
//       released by the server to the signed-in owner of an active device), random salt;
//   (2) under a key derived with PBKDF2-SHA-256 (600,000 iterations, random 16-byte salt) from
//       the user's PIN (at least 6 digits), so that the app reopens without a connection.
// - IndexedDB holds only ids, IVs, ciphertexts, salts, wrapped keys, counters and timestamps:
//   nothing readable. The device secret and the PIN are never stored.

const DB_NAME = "donghanh-field";
const DB_VERSION = 1;
const KEYS = "keys"; // one record per organisation: device id, salts, wrapped copies of K
const ITEMS = "items"; // encrypted values: package, outbox operations, results
export const PBKDF2_ITERATIONS = 600000;
export const PIN_PATTERN = /^[0-9]{6,}$/;
export const MAX_PIN_FAILURES = 5;
const enc = new TextEncoder();
const dec = new TextDecoder();

function requestPromise(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

function openDatabase() {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, DB_VERSION);
    request.onupgradeneeded = () => {
      const db = request.result;
      if (!db.objectStoreNames.contains(KEYS)) { db.createObjectStore(KEYS, { keyPath: "id" }); }
      if (!db.objectStoreNames.contains(ITEMS)) { db.createObjectStore(ITEMS, { keyPath: "id" }); }
    };
    request.onsuccess = () => {
      const db = request.result;
      // Another tab wiping the store must not wait for this one.
      db.onversionchange = () => db.close();
      resolve(db);
    };
    request.onerror = () => reject(request.error);
    request.onblocked = () => reject(new Error("blocked"));
  });
}

export function randomBytes(length) {
  return crypto.getRandomValues(new Uint8Array(length));
}

export function fromBase64Url(text) {
  const base64 = text.replace(/-/g, "+").replace(/_/g, "/");
  const padded = base64 + "===".slice((base64.length + 3) % 4);
  const binary = atob(padded);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) { bytes[i] = binary.charCodeAt(i); }
  return bytes;
}

function aad(...parts) {
  return enc.encode(["donghanh-field", ...parts].join("/"));
}

async function deviceWrappingKey(secret, salt, device) {
  const material = await crypto.subtle.importKey("raw", fromBase64Url(secret), "HKDF", false, ["deriveKey"]);
  return crypto.subtle.deriveKey(
    { name: "HKDF", hash: "SHA-256", salt, info: aad("device-wrap", device) },
    material,
    { name: "AES-GCM", length: 256 },
    false,
    ["wrapKey", "unwrapKey"],
  );
}

async function pinWrappingKey(pin, salt, iterations) {
  const material = await crypto.subtle.importKey("raw", enc.encode(pin), "PBKDF2", false, ["deriveKey"]);
  return crypto.subtle.deriveKey(
    { name: "PBKDF2", hash: "SHA-256", salt, iterations },
    material,
    { name: "AES-GCM", length: 256 },
    false,
    ["wrapKey", "unwrapKey"],
  );
}

async function wrap(dataKey, wrappingKey, label) {
  const iv = randomBytes(12);
  const wrapped = await crypto.subtle.wrapKey("raw", dataKey, wrappingKey, { name: "AES-GCM", iv, additionalData: label });
  return { iv, wrapped: new Uint8Array(wrapped) };
}

function unwrap(copy, wrappingKey, label, extractable) {
  return crypto.subtle.unwrapKey(
    "raw", copy.wrapped, wrappingKey, { name: "AES-GCM", iv: copy.iv, additionalData: label },
    { name: "AES-GCM", length: 256 }, extractable, ["encrypt", "decrypt"],
  );
}

export class LockedError extends Error {}
export class WrongPinError extends Error {
  constructor(remaining) { super("wrong PIN"); this.remaining = remaining; }
}

// One organisation's part of the store: its device and its encrypted values.
export class FieldStore {
  constructor(db, org) {
    this.db = db;
    this.org = org;
    this.key = null; // the data key K once unlocked (non-extractable)
  }

  static async open(org) {
    return new FieldStore(await openDatabase(), org);
  }

  close() { this.db.close(); }

  tx(names, mode) {
    return this.db.transaction(names, mode);
  }

  async keyRecord() {
    return (await requestPromise(this.tx([KEYS], "readonly").objectStore(KEYS).get(this.org))) || null;
  }

  async allKeyRecords() {
    return requestPromise(this.tx([KEYS], "readonly").objectStore(KEYS).getAll());
  }

  async putKeyRecord(record) {
    await requestPromise(this.tx([KEYS], "readwrite").objectStore(KEYS).put(record));
  }

  get unlocked() { return this.key !== null; }

  lock() { this.key = null; }

  // A new device: a new data key K, wrapped under the device secret. Replaces any earlier
  // record (and its values) of this organisation.
  async create({ device, secret, user, maxOfflineDays }) {
    await this.clearItems();
    const dataKey = await crypto.subtle.generateKey({ name: "AES-GCM", length: 256 }, true, ["encrypt", "decrypt"]);
    const hkdfSalt = randomBytes(16);
    const wrappingKey = await deviceWrappingKey(secret, hkdfSalt, device);
    const now = Date.now();
    await this.putKeyRecord({
      id: this.org,
      device,
      user: String(user),
      hkdfSalt,
      byDevice: await wrap(dataKey, wrappingKey, aad("key", "device", device)),
      byPin: null,
      pinSalt: null,
      iterations: PBKDF2_ITERATIONS,
      pinFailures: 0,
      maxOfflineDays,
      createdAt: now,
      lastContact: now,
    });
    this.secretForPin = secret; // kept in memory only, to wrap K under the PIN next
    // Keep only a non-extractable copy in memory.
    this.key = await unwrap((await this.keyRecord()).byDevice, wrappingKey, aad("key", "device", device), false);
  }

  async unlockWithSecret(secret, { maxOfflineDays } = {}) {
    const record = await this.keyRecord();
    if (!record) { throw new LockedError("no device"); }
    const wrappingKey = await deviceWrappingKey(secret, record.hkdfSalt, record.device);
    this.key = await unwrap(record.byDevice, wrappingKey, aad("key", "device", record.device), false);
    record.lastContact = Date.now();
    record.pinFailures = 0;
    if (maxOfflineDays) { record.maxOfflineDays = maxOfflineDays; }
    await this.putKeyRecord(record);
    this.secretForPin = secret; // kept in memory only, to wrap K under a new PIN
  }

  async unlockWithPin(pin) {
    const record = await this.keyRecord();
    if (!record || !record.byPin) { throw new LockedError("no PIN"); }
    const wrappingKey = await pinWrappingKey(pin, record.pinSalt, record.iterations);
    try {
      this.key = await unwrap(record.byPin, wrappingKey, aad("key", "pin", record.device), false);
    } catch (error) {
      record.pinFailures = (record.pinFailures || 0) + 1;
      await this.putKeyRecord(record);
      throw new WrongPinError(MAX_PIN_FAILURES - record.pinFailures);
    }
    record.pinFailures = 0;
    await this.putKeyRecord(record);
  }

  // Wraps K under a new PIN. K is unwrapped again, extractable for this moment only, from the
  // device secret released by the server in this session.
  async setPin(pin) {
    if (!PIN_PATTERN.test(pin)) { throw new Error("PIN"); }
    const record = await this.keyRecord();
    if (!record || !this.secretForPin) { throw new LockedError("online unlock needed"); }
    const wrappingKey = await deviceWrappingKey(this.secretForPin, record.hkdfSalt, record.device);
    const extractable = await unwrap(record.byDevice, wrappingKey, aad("key", "device", record.device), true);
    const pinSalt = randomBytes(16);
    const pinKey = await pinWrappingKey(pin, pinSalt, PBKDF2_ITERATIONS);
    record.byPin = await wrap(extractable, pinKey, aad("key", "pin", record.device));
    record.pinSalt = pinSalt;
    record.iterations = PBKDF2_ITERATIONS;
    record.pinFailures = 0;
    await this.putKeyRecord(record);
  }

  itemId(name) { return `${this.org}/${name}`; }

  async put(name, value) {
    if (!this.key) { throw new LockedError("locked"); }
    const id = this.itemId(name);
    const iv = randomBytes(12);
    const ciphertext = await crypto.subtle.encrypt(
      { name: "AES-GCM", iv, additionalData: aad(ITEMS, id) }, this.key, enc.encode(JSON.stringify(value)),
    );
    await requestPromise(this.tx([ITEMS], "readwrite").objectStore(ITEMS).put({
      id, iv, ciphertext: new Uint8Array(ciphertext), updatedAt: Date.now(),
    }));
  }

  async decrypt(record) {
    const plaintext = await crypto.subtle.decrypt(
      { name: "AES-GCM", iv: record.iv, additionalData: aad(ITEMS, record.id) }, this.key, record.ciphertext,
    );
    return JSON.parse(dec.decode(plaintext));
  }

  async get(name) {
    if (!this.key) { throw new LockedError("locked"); }
    const record = await requestPromise(this.tx([ITEMS], "readonly").objectStore(ITEMS).get(this.itemId(name)));
    return record ? this.decrypt(record) : null;
  }

  // Every value whose name starts with `prefix`, oldest first: [{name, value, updatedAt}].
  async list(prefix) {
    if (!this.key) { throw new LockedError("locked"); }
    const start = this.itemId(prefix);
    const range = IDBKeyRange.bound(start, start + "\uffff");
    const records = await requestPromise(this.tx([ITEMS], "readonly").objectStore(ITEMS).getAll(range));
    const values = [];
    for (const record of records) {
      values.push({ name: record.id.slice(this.org.length + 1), value: await this.decrypt(record), updatedAt: record.updatedAt });
    }
    values.sort((a, b) => a.updatedAt - b.updatedAt);
    return values;
  }

  async remove(name) {
    await requestPromise(this.tx([ITEMS], "readwrite").objectStore(ITEMS).delete(this.itemId(name)));
  }

  async clearItems() {
    const start = `${this.org}/`;
    await requestPromise(this.tx([ITEMS], "readwrite").objectStore(ITEMS).delete(IDBKeyRange.bound(start, start + "\uffff")));
  }

  async touchContact() {
    const record = await this.keyRecord();
    if (record) { record.lastContact = Date.now(); await this.putKeyRecord(record); }
  }
}

// Days since the server last released the key to this device (Infinity without a device).
export function daysOffline(record, now = Date.now()) {
  if (!record || !record.lastContact) { return Infinity; }
  return (now - record.lastContact) / 86400000;
}

// Erases the whole database (every organisation's part). Resolves once it is gone.
export function deleteDatabase() {
  return new Promise((resolve) => {
    const request = indexedDB.deleteDatabase(DB_NAME);
    request.onsuccess = () => resolve(true);
    request.onerror = () => resolve(false);
    // Other tabs are asked to close (onversionchange); the deletion finishes when they have.
    request.onblocked = () => {};
  });
}

export const DATABASE_NAME = DB_NAME;
