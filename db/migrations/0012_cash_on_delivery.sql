ALTER TYPE "public"."bag_exception_kind" ADD VALUE 'cash_mismatch';--> statement-breakpoint
ALTER TABLE "payments" ADD COLUMN "cash_collected_fen" integer;--> statement-breakpoint
ALTER TABLE "payments" ADD COLUMN "cash_collected_at" timestamp with time zone;