import { TEST_CARDS } from '@livecart/schemas/payment';
import styles from './checkout.module.css';

const grouped = (digits: string) => digits.replace(/(\d{4})(?=\d)/g, '$1 ');

const CARDS = [
  { number: TEST_CARDS.success, outcome: 'paid at once' },
  { number: TEST_CARDS.delayed, outcome: 'confirmed a few seconds later' },
  { number: TEST_CARDS.decline, outcome: 'declined' },
];

/** The test payment provider's cards, shown where it is the one in use (development, tests, demos). */
export function TestCardHint({ id }: { id: string }) {
  return (
    <div id={id} className={styles.hint} data-testid="test-cards">
      <p>Test payments: no real card is charged. Use one of these numbers:</p>
      <ul>
        {CARDS.map((card) => (
          <li key={card.number}>
            <code>{grouped(card.number)}</code> — {card.outcome}
          </li>
        ))}
      </ul>
    </div>
  );
}
