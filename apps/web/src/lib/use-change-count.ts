'use client';

import { useState } from 'react';

/**
 * How many times `value` has changed since mount. Used as a React `key` to restart a CSS highlight
 * on each change; zero on the first render, so nothing flashes on page load.
 */
export function useChangeCount(value: unknown): number {
  const [seen, setSeen] = useState({ value, count: 0 });
  if (Object.is(seen.value, value)) return seen.count;
  // Adjusting state while rendering (not in an effect) avoids a second paint without the highlight.
  setSeen({ value, count: seen.count + 1 });
  return seen.count + 1;
}
