/** The capped stream of every event (replay) and the channel of live events; one name, two Redis namespaces. */
export function eventsKey(prefix: string): string {
  return `${prefix}:events`;
}

/** Stream entry ids are `<seq>-0`, so a seq can be read back from any entry id. */
export function seqOfEntryId(entryId: string): number {
  return Number(entryId.slice(0, entryId.indexOf('-')));
}
