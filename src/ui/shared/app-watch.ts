/**
 * Gives an element the Playground from context and re-renders it when one of the owners it
 * renders changes (`new AppWatch(this, (app) => [app.chats, app.generation])`), at most once per
 * animation frame: tokens can arrive hundreds of times a second, the screen only needs sixty.
 * Owners the element does not name can change as often as they like without costing it a render.
 */
import { ContextConsumer } from '@lit/context';
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { Observable } from '../../app/notifier';
import type { Playground } from '../../app/playground';
import { appContext } from './app-context';

export class AppWatch implements ReactiveController {
  private app: Playground | undefined;
  private watched: readonly Observable[] = [];
  private listening = false;
  private frame = 0;
  private readonly consumer: ContextConsumer<typeof appContext, ReactiveControllerHost & HTMLElement>;

  constructor(
    private readonly host: ReactiveControllerHost & HTMLElement,
    private readonly select: (app: Playground) => readonly (Observable | undefined)[],
  ) {
    host.addController(this);
    this.consumer = new ContextConsumer(host, { context: appContext, subscribe: true, callback: (value) => this.attach(value) });
  }

  /** The Playground; undefined while the app boots. */
  get value(): Playground | undefined {
    return this.consumer.value;
  }

  private readonly onChange = (): void => {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.host.requestUpdate();
    });
  };

  private listen(on: boolean): void {
    if (on === this.listening) return;
    this.listening = on;
    for (const owner of this.watched) {
      if (on) owner.addEventListener('change', this.onChange);
      else owner.removeEventListener('change', this.onChange);
    }
  }

  private attach(app: Playground | undefined): void {
    if (this.app === app) return;
    const connected = this.host.isConnected;
    this.listen(false);
    this.app = app;
    this.watched = app ? this.select(app).filter((o): o is Observable => o !== undefined) : [];
    this.listen(connected);
    this.host.requestUpdate();
  }

  hostConnected(): void {
    this.listen(true);
  }

  hostDisconnected(): void {
    this.listen(false);
    cancelAnimationFrame(this.frame);
    this.frame = 0;
  }
}
