import styles from './product-image.module.css';

/** A stable hue per category, so products of one category share a look without any image file. */
function hueOf(text: string): number {
  let hash = 0;
  for (let i = 0; i < text.length; i += 1) hash = (hash * 31 + text.charCodeAt(i)) >>> 0;
  return hash % 360;
}

/** Drawn placeholder (no external images): a category-tinted tile with the product's initial. */
export function ProductImage({ name, category, large = false }: { name: string; category: string; large?: boolean }) {
  const hue = hueOf(category);
  const initial = name.trim().charAt(0).toUpperCase() || '?';
  return (
    <div className={large ? `${styles.frame} ${styles.large}` : styles.frame} aria-hidden="true">
      <svg viewBox="0 0 160 120" className={styles.svg} focusable="false">
        <defs>
          <linearGradient id={`g-${hue}`} x1="0" y1="0" x2="1" y2="1">
            <stop offset="0" stopColor={`hsl(${hue} 70% 88%)`} />
            <stop offset="1" stopColor={`hsl(${(hue + 40) % 360} 60% 72%)`} />
          </linearGradient>
        </defs>
        <rect width="160" height="120" fill={`url(#g-${hue})`} />
        <circle cx="128" cy="22" r="34" fill={`hsl(${hue} 60% 96% / 0.45)`} />
        <text x="80" y="78" textAnchor="middle" className={styles.initial} fill={`hsl(${hue} 45% 28%)`}>
          {initial}
        </text>
      </svg>
    </div>
  );
}
