/** What a refused membership change tells the person who tried it. */
export function membershipRefusal(reason: "not_member" | "last_owner"): string {
  return reason === "last_owner"
    ? "An organisation keeps at least one owner: make someone else an owner first."
    : "That person is not a member of this organisation.";
}
