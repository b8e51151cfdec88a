ALTER TABLE "admissions" ADD COLUMN "expired_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "admissions" ADD COLUMN "changed_fields" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "products" ADD COLUMN "image_mime_type" text;--> statement-breakpoint
CREATE INDEX "health_attestations_merchant_id_index" ON "health_attestations" USING btree ("merchant_id");--> statement-breakpoint
CREATE UNIQUE INDEX "merchant_members_one_owner" ON "merchant_members" USING btree ("merchant_id") WHERE "merchant_members"."role" = 'owner';--> statement-breakpoint
ALTER TABLE "products" ADD CONSTRAINT "products_name_present" CHECK (length(trim("products"."name")) > 0);