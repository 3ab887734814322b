-- Five roles instead of owner/member (lib/auth/permissions.ts). A former member becomes a
-- viewer: members could read and confirm purchases; buying now needs the billing role,
-- which an owner grants.
ALTER TABLE "invitations" ALTER COLUMN "role" DROP DEFAULT;--> statement-breakpoint
ALTER TABLE "memberships" ALTER COLUMN "role" DROP DEFAULT;--> statement-breakpoint
ALTER TABLE "invitations" ALTER COLUMN "role" SET DATA TYPE text USING (CASE "role"::text WHEN 'member' THEN 'viewer' ELSE "role"::text END);--> statement-breakpoint
ALTER TABLE "memberships" ALTER COLUMN "role" SET DATA TYPE text USING (CASE "role"::text WHEN 'member' THEN 'viewer' ELSE "role"::text END);--> statement-breakpoint
ALTER TABLE "invitations" ALTER COLUMN "role" SET DEFAULT 'viewer';--> statement-breakpoint
ALTER TABLE "memberships" ALTER COLUMN "role" SET DEFAULT 'viewer';--> statement-breakpoint
ALTER TABLE "invitations" ADD CONSTRAINT "invitations_role_check" CHECK ("invitations"."role" in ('owner', 'admin', 'developer', 'billing', 'viewer'));--> statement-breakpoint
ALTER TABLE "memberships" ADD CONSTRAINT "memberships_role_check" CHECK ("memberships"."role" in ('owner', 'admin', 'developer', 'billing', 'viewer'));--> statement-breakpoint
DROP TYPE "public"."membership_role";
