ALTER TABLE "orders" ADD COLUMN "request_hash" text;--> statement-breakpoint
CREATE INDEX "orders_due_to_expire" ON "orders" USING btree ("status","hold_until") WHERE "orders"."status" = 'pending_payment';--> statement-breakpoint
CREATE INDEX "relays_due_to_open" ON "relays" USING btree ("status","opens_at") WHERE "relays"."status" = 'draft';--> statement-breakpoint
CREATE INDEX "relays_due_to_close" ON "relays" USING btree ("status","closes_at") WHERE "relays"."status" = 'open';--> statement-breakpoint
CREATE INDEX "relays_due_to_settle" ON "relays" USING btree ("status","closed_at") WHERE "relays"."status" = 'closed';