export default function Home() {
  return <main>Pilothouse</main>;
}
