'use client';

import { useEffect } from 'react';

/** Shown when a server render fails (usually: the API is down or timed out). */
export default function ErrorPage({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  useEffect(() => {
    console.error(error);
  }, [error]);
  return (
    <section className="state-panel" role="alert">
      <h1>Something went wrong</h1>
      <p>We could not load this page. The shop may be busy or briefly unavailable.</p>
      {error.digest ? <p className="state-digest">Reference: {error.digest}</p> : null}
      <button type="button" onClick={reset} className="primary-button">
        Try again
      </button>
    </section>
  );
}
