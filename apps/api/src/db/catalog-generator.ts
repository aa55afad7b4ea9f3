import type { ProductCreate } from '@livecart/schemas';

interface CategorySpec {
  slug: string;
  code: string;
  nouns: readonly string[];
  priceRange: readonly [number, number];
}

const CATEGORIES: readonly CategorySpec[] = [
  { slug: 'audio', code: 'AUD', nouns: ['Headphones', 'Earbuds', 'Speaker', 'Soundbar', 'Turntable', 'Amplifier'], priceRange: [1_999, 59_999] },
  { slug: 'computers', code: 'CMP', nouns: ['Laptop', 'Monitor', 'Keyboard', 'Mouse', 'Webcam', 'Docking Station'], priceRange: [1_499, 249_999] },
  { slug: 'phones', code: 'PHN', nouns: ['Smartphone', 'Phone Case', 'Charger', 'Power Bank', 'Screen Protector'], priceRange: [999, 129_999] },
  { slug: 'home-kitchen', code: 'HKT', nouns: ['Kettle', 'Toaster', 'Blender', 'Coffee Grinder', 'Chef Knife', 'Dutch Oven'], priceRange: [1_299, 34_999] },
  { slug: 'garden', code: 'GRD', nouns: ['Hose', 'Pruner', 'Planter', 'Rake', 'Watering Can', 'Lawn Mower'], priceRange: [499, 89_999] },
  { slug: 'sports-outdoors', code: 'SPT', nouns: ['Tent', 'Backpack', 'Yoga Mat', 'Water Bottle', 'Running Shoes', 'Bike Helmet'], priceRange: [999, 49_999] },
  { slug: 'toys-games', code: 'TOY', nouns: ['Board Game', 'Puzzle', 'Building Set', 'Plush Bear', 'Card Game', 'Kite'], priceRange: [599, 14_999] },
  { slug: 'books', code: 'BOK', nouns: ['Cookbook', 'Novel', 'Field Guide', 'Atlas', 'Sketchbook', 'Poetry Collection'], priceRange: [499, 5_999] },
  { slug: 'fashion', code: 'FSH', nouns: ['Jacket', 'Scarf', 'Sneakers', 'Wool Sweater', 'Leather Belt', 'Rain Coat'], priceRange: [1_499, 29_999] },
  { slug: 'beauty', code: 'BTY', nouns: ['Face Cream', 'Shampoo', 'Lip Balm', 'Hair Dryer', 'Perfume', 'Sunscreen'], priceRange: [399, 12_999] },
  { slug: 'grocery', code: 'GRC', nouns: ['Olive Oil', 'Green Tea', 'Dark Chocolate', 'Espresso Beans', 'Honey', 'Pasta'], priceRange: [199, 3_999] },
  { slug: 'office', code: 'OFF', nouns: ['Desk Lamp', 'Notebook', 'Fountain Pen', 'Desk Chair', 'Stapler', 'Whiteboard'], priceRange: [299, 39_999] },
];

const ADJECTIVES = [
  'Classic', 'Compact', 'Deluxe', 'Eco', 'Essential', 'Pro', 'Ultra', 'Vintage', 'Smart', 'Travel',
  'Premium', 'Everyday', 'Nordic', 'Urban', 'Studio', 'Wireless', 'Heritage', 'Lightweight',
];
const BRANDS = ['Acme', 'Northwind', 'Lumen', 'Fjord', 'Kestrel', 'Orchid', 'Summit', 'Tidal', 'Verve', 'Zephyr'];
const COLORS = ['Black', 'White', 'Slate', 'Forest', 'Sand', 'Ocean', 'Crimson', 'Graphite', 'Ivory', 'Sage'];
const QUALITIES = ['durable', 'carefully made', 'easy to clean', 'energy efficient', 'award-winning', 'best-selling'];

/** A small deterministic PRNG, so that every run generates the same catalog (and skus make re-runs idempotent). */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export interface SeedProduct extends ProductCreate {
  /** How long before the seed ran the product appeared, so that "newest" has a meaningful order. */
  ageSeconds: number;
}

export const CATEGORY_SLUGS = CATEGORIES.map((category) => category.slug);

/** The `index`-th product of the seeded catalog (0-based), spread round-robin over the categories. */
export function generateProduct(index: number): SeedProduct {
  const random = mulberry32(index + 1);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const category = CATEGORIES[index % CATEGORIES.length] as CategorySpec;
  const noun = pick(category.nouns);
  const brand = pick(BRANDS);
  const color = pick(COLORS);
  const quality = pick(QUALITIES);
  const [low, high] = category.priceRange;
  // Prices end in 99 like a shop's would.
  const priceMinor = Math.floor((low + random() * (high - low)) / 100) * 100 + 99;
  const outOfStock = random() < 0.05;
  return {
    sku: `${category.code}-${String(index + 1).padStart(6, '0')}`,
    name: `${brand} ${pick(ADJECTIVES)} ${noun} ${color}`,
    description: `A ${quality} ${noun.toLowerCase()} from ${brand} in ${color.toLowerCase()}, backed by a two-year warranty.`,
    category: category.slug,
    priceMinor,
    currency: 'EUR',
    stock: outOfStock ? 0 : 1 + Math.floor(random() * 500),
    imageUrl: null,
    ageSeconds: Math.floor(random() * 180 * 86_400),
  };
}
