/** One `<option>` per category slug, for every category picker (catalog filters, admin list, bulk change). */
export function CategoryOptions({ categories }: { categories: readonly string[] }) {
  return categories.map((slug) => (
    <option key={slug} value={slug}>
      {slug}
    </option>
  ));
}
