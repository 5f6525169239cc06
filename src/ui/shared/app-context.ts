/** The Playground (the root of the app's state), provided by <playground-app> to every element below it. */
import { createContext } from '@lit/context';
import type { Playground } from '../../app/playground';

export const appContext = createContext<Playground | undefined>(Symbol('playground'));
