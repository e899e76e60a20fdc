/** Collects a response's authoritative output items (PROTOCOL.md §3.2: `output_item.done` wins). */
import type { Item } from '../protocol/items.js';
import type { ResponseObject, ServerEvent } from '../protocol/server-events.js';

/** Accumulates `response.output_item.done` items of one attempt by `output_index`. */
export class OutputCollector {
  private readonly done = new Map<number, Item>();

  handle(event: ServerEvent): void {
    if (event.type !== 'response.output_item.done') return;
    const idx = event['output_index'];
    const item = event['item'];
    if (typeof idx === 'number' && typeof item === 'object' && item !== null)
      this.done.set(idx, item as Item);
  }

  /** The final output: the terminal response's `output` when present, else the done items in order. */
  final(response: ResponseObject): Item[] {
    if (Array.isArray(response.output) && response.output.length > 0) return [...response.output];
    return [...this.done.entries()].sort((a, b) => a[0] - b[0]).map(([, item]) => item);
  }
}
