/** A valid product read model shared by the schema tests. */
export const sampleProduct = {
  id: '0b6f2a1e-3c4d-4e5f-8a9b-0c1d2e3f4a5b',
  sku: 'MUG-001',
  name: 'Blue mug',
  description: '',
  category: 'kitchen',
  priceMinor: 1299,
  currency: 'EUR',
  stock: 11,
  imageUrl: null,
  version: 4,
  createdAt: '2025-01-02T03:04:05Z',
  updatedAt: '2025-01-03T03:04:05Z',
} as const;
