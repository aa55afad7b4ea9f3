'use client';

import Form from 'next/form';
import type { ComponentProps, FormEvent } from 'react';

/**
 * A GET form that leaves empty fields out of the URL (`?category=toys`, not `?q=&category=toys&min=`),
 * so shared links stay short and match the links the app itself builds.
 */
export function QueryForm(props: ComponentProps<typeof Form>) {
  function dropEmptyFields(event: FormEvent<HTMLFormElement>) {
    const empty = [...event.currentTarget.elements].filter(
      (el): el is HTMLInputElement | HTMLSelectElement => (el instanceof HTMLInputElement || el instanceof HTMLSelectElement) && el.name !== '' && el.value === '' && !el.disabled,
    );
    // Disabled fields are not submitted; the URL is read right after this handler, then they come back.
    for (const el of empty) el.disabled = true;
    setTimeout(() => empty.forEach((el) => (el.disabled = false)));
  }
  return <Form {...props} onSubmit={dropEmptyFields} />;
}
