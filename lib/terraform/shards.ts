/** How many resources per kind people are spread over (modules/for-each-map.ts, forEachShards). Changing it moves people's state addresses. */
export const PEOPLE_SHARDS = 32;

/**
 * The shard a key belongs to, `00` to `1f`: 32-bit FNV-1a of its UTF-16 code units. It is
 * part of every person's state address, so it depends on the key alone and never changes.
 */
export function shardOf(key: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193);
  return ((hash >>> 0) % PEOPLE_SHARDS).toString(16).padStart(2, '0');
}

/**
 * The logical id cdktf gives a shard's resource or local: the id it had before people were
 * spread over shards, `-<shard>`, then `_` and the eight hex digits of cdktf's hash.
 * Groups: that id's name part, and the shard.
 */
export const SHARD_LOGICAL_ID = /^(.+)-([0-9a-f]{2})_[0-9A-F]{8}$/;
