ALTER TABLE "payments" DROP CONSTRAINT "payments_communityId_orderId_unique";--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "door_delivery" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "cancel_reason" text;--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "revision" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "chain_version" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "relays" ADD COLUMN "chain_version" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "relays" ADD COLUMN "opened_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "relays" ADD COLUMN "decided_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "relays" ADD COLUMN "outcome_reason" text;--> statement-breakpoint
ALTER TABLE "payments" ADD COLUMN "succeeded_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "refunds" ADD COLUMN "requested_by" uuid;--> statement-breakpoint
ALTER TABLE "refunds" ADD COLUMN "attempts" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "refunds" ADD COLUMN "last_error" text;--> statement-breakpoint
ALTER TABLE "refunds" ADD COLUMN "succeeded_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "stripe_events" ADD COLUMN "community_id" uuid;--> statement-breakpoint
ALTER TABLE "refunds" ADD CONSTRAINT "refunds_community_id_payment_id_payments_community_id_id_fk" FOREIGN KEY ("community_id","payment_id") REFERENCES "public"."payments"("community_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "orders_community_id_relay_id_chain_version_index" ON "orders" USING btree ("community_id","relay_id","chain_version");--> statement-breakpoint
CREATE UNIQUE INDEX "payments_one_live_per_order" ON "payments" USING btree ("community_id","order_id") WHERE "payments"."status" <> 'canceled';--> statement-breakpoint
CREATE INDEX "payments_community_id_order_id_index" ON "payments" USING btree ("community_id","order_id");--> statement-breakpoint
CREATE INDEX "refunds_status_updated_at_index" ON "refunds" USING btree ("status","updated_at") WHERE "refunds"."status" = 'pending';--> statement-breakpoint
ALTER TABLE "relays" ADD CONSTRAINT "relays_threshold_value" CHECK (("relays"."threshold_kind" = 'none') = ("relays"."threshold_value" = 0));