/**
 * Test helper: reads server-sent events from a streaming response until `count` events
 * (not comments) arrived, as "name data" strings. The lock on the body is released after,
 * so the next call reads on.
 */
export async function readEvents(response: Response, count: number): Promise<string[]> {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let text = "";
  const events: string[] = [];
  while (events.length < count) {
    const { value, done } = await reader.read();
    if (done) break;
    text += decoder.decode(value);
    const blocks = text.split("\n\n");
    text = blocks.pop()!;
    for (const block of blocks) {
      const name = /^event: (.+)$/m.exec(block)?.[1];
      if (name) events.push(`${name} ${/^data: (.*)$/m.exec(block)?.[1] ?? ""}`);
    }
  }
  reader.releaseLock();
  return events;
}
