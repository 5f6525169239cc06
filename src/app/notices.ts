/**
 * The notices at the bottom of the page: what went wrong or needs saying outside any one panel
 * (a conversation that could not be saved, a model load stopped). Any owner may add one; only
 * the user dismisses them.
 */
import { newId } from '../chat/conversation';
import { Notifier } from './notifier';

export interface Notice {
  id: string;
  level: 'info' | 'warning' | 'error';
  text: string;
}

export class Notices extends Notifier {
  private items: readonly Notice[] = [];

  /** Oldest first. */
  get list(): readonly Notice[] {
    return this.items;
  }

  notify(level: Notice['level'], text: string): void {
    this.items = [...this.items, { id: newId(), level, text }];
    this.changed();
  }

  dismiss(id: string): void {
    this.items = this.items.filter((n) => n.id !== id);
    this.changed();
  }
}
