import Link from "next/link";

export default function NotFound() {
  return (
    <div className="mx-auto max-w-md py-16 text-center">
      <h1 className="text-2xl font-semibold">Not found</h1>
      <p className="mt-2 text-muted-foreground">That page does not exist, or you do not have access to it.</p>
      <Link href="/" className="mt-6 inline-block text-primary hover:underline">
        Go home
      </Link>
    </div>
  );
}
