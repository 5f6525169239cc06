/** The Playground service, provided by <playground-app> to every element below it. */
import { createContext } from '@lit/context';
import type { Playground } from '../../app/playground';

export const playgroundContext = createContext<Playground | undefined>(Symbol('playground'));
