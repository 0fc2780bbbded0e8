// `.sql` files are embedded in the binary as text (`import x from "./a.sql" with { type: "text" }`).
declare module "*.sql" {
  const text: string;
  export default text;
}
