// The event hub behind GET /v1/events: every subscriber hears every event from the moment it
// subscribes. A subscriber that cannot keep up is the stream's business (it is dropped there).
import type { EventDto } from '../api/types.ts';

export class EventHub {
  readonly #subscribers = new Set<(event: EventDto) => void>();

  publish(event: EventDto): void {
    for (const s of [...this.#subscribers]) s(event);
  }

  subscribe(listener: (event: EventDto) => void): () => void {
    this.#subscribers.add(listener);
    return () => this.#subscribers.delete(listener);
  }

  get subscribers(): number {
    return this.#subscribers.size;
  }
}
