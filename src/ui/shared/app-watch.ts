/**
 * Re-renders its host when the Playground changes, at most once per animation frame: tokens can
 * arrive hundreds of times a second, the screen only needs sixty.
 */
import { ContextConsumer } from '@lit/context';
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { Playground } from '../../app/playground';
import { playgroundContext } from './app-context';

export class PlaygroundController implements ReactiveController {
  private subscribed: Playground | undefined;
  private frame = 0;
  private readonly consumer: ContextConsumer<typeof playgroundContext, ReactiveControllerHost & HTMLElement>;

  constructor(private readonly host: ReactiveControllerHost & HTMLElement) {
    host.addController(this);
    this.consumer = new ContextConsumer(host, {
      context: playgroundContext,
      subscribe: true,
      callback: (value) => this.attach(value),
    });
  }

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

  private attach(value: Playground | undefined): void {
    if (this.subscribed === value) return;
    this.subscribed?.removeEventListener('change', this.onChange);
    this.subscribed = value;
    value?.addEventListener('change', this.onChange);
    this.host.requestUpdate();
  }

  hostConnected(): void {
    this.subscribed?.addEventListener('change', this.onChange);
  }

  hostDisconnected(): void {
    this.subscribed?.removeEventListener('change', this.onChange);
    cancelAnimationFrame(this.frame);
    this.frame = 0;
  }
}
