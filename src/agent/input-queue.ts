/**
 * User messages submitted while the agent works, each with the images attached to it. They are
 * sent together as the next turn's input (after pending tool outputs), or taken back by the UI
 * when a run fails or is cancelled, so nothing typed is lost.
 */
import { type Item, userMessageWithImages } from '../protocol/items.js';
import type { UserImage } from './events.js';

/** The queued messages of one conversation, in submission order. */
export class InputQueue {
  private texts: string[] = [];
  /** Images attached to queued messages, by queue position (sent as `input_image` parts). */
  private images = new Map<number, UserImage[]>();

  get length(): number {
    return this.texts.length;
  }

  /** The queued texts (a copy, for snapshots). */
  list(): string[] {
    return [...this.texts];
  }

  push(text: string, images: UserImage[] | undefined): void {
    if (images && images.length > 0) this.images.set(this.texts.length, images);
    this.texts.push(text);
  }

  /** Takes every queued message back, with its images. */
  withdraw(): Array<{ text: string; images?: UserImage[] }> {
    const out = this.texts.map((text, i) => {
      const images = this.images.get(i);
      return images && images.length > 0 ? { text, images } : { text };
    });
    this.clear();
    return out;
  }

  /** Takes every queued message as a user message item (with its images). */
  takeItems(): Item[] {
    const items = this.texts.map((text, i) => userMessageWithImages(text, this.images.get(i) ?? []));
    this.clear();
    return items;
  }

  clear(): void {
    this.texts = [];
    this.images = new Map();
  }
}
