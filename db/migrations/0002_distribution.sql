CREATE TYPE "public"."bag_exception_kind" AS ENUM('nobody_home', 'damaged', 'item_missing', 'wrong_bag');--> statement-breakpoint
CREATE TYPE "public"."bag_outcome" AS ENUM('delivered', 'exception');--> statement-breakpoint
CREATE TYPE "public"."bag_status" AS ENUM('pending', 'delivered', 'exception', 'refunded');--> statement-breakpoint
CREATE TYPE "public"."batch_status" AS ENUM('received', 'disinfecting', 'released', 'distributing', 'completed');--> statement-breakpoint
CREATE TYPE "public"."delivery_status" AS ENUM('dispatched', 'arrived');--> statement-breakpoint
CREATE TYPE "public"."disinfection_method" AS ENUM('spray', 'wipe', 'uv');--> statement-breakpoint
CREATE TYPE "public"."problem_kind" AS ENUM('missing_item', 'damaged_item', 'other');--> statement-breakpoint
CREATE TYPE "public"."problem_status" AS ENUM('open', 'accepted', 'rejected');--> statement-breakpoint
CREATE TABLE "bag_events" (
	"community_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"bag_id" uuid NOT NULL,
	"actor_user_id" uuid NOT NULL,
	"outcome" "bag_outcome" NOT NULL,
	"exception_kind" "bag_exception_kind",
	"note" text,
	"from_status" "bag_status" NOT NULL,
	"to_status" "bag_status" NOT NULL,
	"via" text DEFAULT 'tap' NOT NULL,
	"client_at" timestamp with time zone NOT NULL,
	"received_at" timestamp with time zone NOT NULL,
	CONSTRAINT "bag_events_community_id_id_pk" PRIMARY KEY("community_id","id")
);
--> statement-breakpoint
CREATE TABLE "bags" (
	"community_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"batch_id" uuid NOT NULL,
	"order_id" uuid NOT NULL,
	"relay_id" uuid NOT NULL,
	"household_id" uuid NOT NULL,
	"stairwell_id" uuid NOT NULL,
	"status" "bag_status" DEFAULT 'pending' NOT NULL,
	"delivered_at" timestamp with time zone,
	"delivered_by" uuid,
	"client_at" timestamp with time zone,
	"exception_kind" "bag_exception_kind",
	"exception_note" text,
	"exception_at" timestamp with time zone,
	"exception_by" uuid,
	"photo_key" text,
	"confirmed_at" timestamp with time zone,
	"confirmed_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "bags_community_id_id_pk" PRIMARY KEY("community_id","id"),
	CONSTRAINT "bags_one_per_order" UNIQUE("community_id","order_id"),
	CONSTRAINT "bags_delivered_has_time" CHECK ("bags"."status" <> 'delivered' OR "bags"."delivered_at" IS NOT NULL),
	CONSTRAINT "bags_exception_has_kind" CHECK ("bags"."status" <> 'exception' OR "bags"."exception_kind" IS NOT NULL)
);
--> statement-breakpoint
CREATE TABLE "batches" (
	"community_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"delivery_id" uuid NOT NULL,
	"status" "batch_status" DEFAULT 'received' NOT NULL,
	"received_at" timestamp with time zone NOT NULL,
	"received_by" uuid NOT NULL,
	"disinfection_agent" text,
	"concentration" text,
	"method" "disinfection_method",
	"disinfection_started_at" timestamp with time zone,
	"dwell_seconds" integer,
	"operator_user_id" uuid,
	"operator_name" text,
	"disinfection_photo_key" text,
	"released_at" timestamp with time zone,
	"released_by" uuid,
	"distributing_at" timestamp with time zone,
	"completed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "batches_community_id_id_pk" PRIMARY KEY("community_id","id"),
	CONSTRAINT "batches_one_per_delivery" UNIQUE("community_id","delivery_id"),
	CONSTRAINT "batches_dwell_nonnegative" CHECK ("batches"."dwell_seconds" IS NULL OR "batches"."dwell_seconds" >= 0),
	CONSTRAINT "batches_disinfected_before_leaving_received" CHECK ("batches"."status" = 'received' OR ("batches"."disinfection_started_at" IS NOT NULL AND "batches"."dwell_seconds" IS NOT NULL AND "batches"."method" IS NOT NULL)),
	CONSTRAINT "batches_release_after_dwell" CHECK ("batches"."released_at" IS NULL OR "batches"."released_at" >= "batches"."disinfection_started_at" + make_interval(secs => "batches"."dwell_seconds")),
	CONSTRAINT "batches_released_state" CHECK ("batches"."status" IN ('received', 'disinfecting') OR "batches"."released_at" IS NOT NULL)
);
--> statement-breakpoint
CREATE TABLE "deliveries" (
	"community_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"merchant_id" uuid NOT NULL,
	"status" "delivery_status" DEFAULT 'dispatched' NOT NULL,
	"eta" timestamp with time zone NOT NULL,
	"vehicle_plate" text DEFAULT '' NOT NULL,
	"driver_name" text DEFAULT '' NOT NULL,
	"driver_phone" text DEFAULT '' NOT NULL,
	"dispatched_by" uuid NOT NULL,
	"dispatched_at" timestamp with time zone NOT NULL,
	"arrived_at" timestamp with time zone,
	"package_count" integer,
	"received_by" uuid,
	"received_by_name" text,
	"remarks" text DEFAULT '' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "deliveries_community_id_id_pk" PRIMARY KEY("community_id","id"),
	CONSTRAINT "deliveries_package_count" CHECK ("deliveries"."package_count" IS NULL OR "deliveries"."package_count" >= 0),
	CONSTRAINT "deliveries_arrival_recorded" CHECK (("deliveries"."status" = 'dispatched') OR ("deliveries"."arrived_at" IS NOT NULL AND "deliveries"."package_count" IS NOT NULL))
);
--> statement-breakpoint
CREATE TABLE "delivery_relays" (
	"community_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"delivery_id" uuid NOT NULL,
	"relay_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "delivery_relays_community_id_id_pk" PRIMARY KEY("community_id","id"),
	CONSTRAINT "delivery_relays_relay_once" UNIQUE("community_id","relay_id")
);
--> statement-breakpoint
CREATE TABLE "problem_reports" (
	"community_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"bag_id" uuid NOT NULL,
	"order_id" uuid NOT NULL,
	"household_id" uuid NOT NULL,
	"reported_by" uuid NOT NULL,
	"kind" "problem_kind" NOT NULL,
	"relay_item_id" uuid,
	"qty" integer,
	"description" text DEFAULT '' NOT NULL,
	"photo_key" text,
	"idempotency_key" text NOT NULL,
	"status" "problem_status" DEFAULT 'open' NOT NULL,
	"refund_fen" integer,
	"decided_by" uuid,
	"decided_at" timestamp with time zone,
	"decision_note" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "problem_reports_community_id_id_pk" PRIMARY KEY("community_id","id"),
	CONSTRAINT "problem_reports_idempotency" UNIQUE("community_id","reported_by","idempotency_key"),
	CONSTRAINT "problem_reports_qty_positive" CHECK ("problem_reports"."qty" IS NULL OR "problem_reports"."qty" > 0),
	CONSTRAINT "problem_reports_refund_positive" CHECK ("problem_reports"."refund_fen" IS NULL OR "problem_reports"."refund_fen" > 0),
	CONSTRAINT "problem_reports_accepted_refund" CHECK ("problem_reports"."status" <> 'accepted' OR "problem_reports"."refund_fen" IS NOT NULL)
);
--> statement-breakpoint
CREATE TABLE "shortfalls" (
	"community_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"relay_id" uuid NOT NULL,
	"relay_item_id" uuid NOT NULL,
	"ordered_qty" integer NOT NULL,
	"delivered_qty" integer NOT NULL,
	"unit_price_fen" integer NOT NULL,
	"allocations" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"recorded_by" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "shortfalls_community_id_id_pk" PRIMARY KEY("community_id","id"),
	CONSTRAINT "shortfalls_once_per_item" UNIQUE("community_id","relay_item_id"),
	CONSTRAINT "shortfalls_delivered_range" CHECK ("shortfalls"."delivered_qty" >= 0 AND "shortfalls"."delivered_qty" <= "shortfalls"."ordered_qty"),
	CONSTRAINT "shortfalls_price_nonnegative" CHECK ("shortfalls"."unit_price_fen" >= 0)
);
--> statement-breakpoint
ALTER TABLE "bag_events" ADD CONSTRAINT "bag_events_actor_user_id_users_id_fk" FOREIGN KEY ("actor_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bag_events" ADD CONSTRAINT "bag_events_community_id_bag_id_bags_community_id_id_fk" FOREIGN KEY ("community_id","bag_id") REFERENCES "public"."bags"("community_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bags" ADD CONSTRAINT "bags_delivered_by_users_id_fk" FOREIGN KEY ("delivered_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bags" ADD CONSTRAINT "bags_exception_by_users_id_fk" FOREIGN KEY ("exception_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bags" ADD CONSTRAINT "bags_confirmed_by_users_id_fk" FOREIGN KEY ("confirmed_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bags" ADD CONSTRAINT "bags_community_id_batch_id_batches_community_id_id_fk" FOREIGN KEY ("community_id","batch_id") REFERENCES "public"."batches"("community_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bags" ADD CONSTRAINT "bags_community_id_order_id_orders_community_id_id_fk" FOREIGN KEY ("community_id","order_id") REFERENCES "public"."orders"("community_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bags" ADD CONSTRAINT "bags_community_id_relay_id_relays_community_id_id_fk" FOREIGN KEY ("community_id","relay_id") REFERENCES "public"."relays"("community_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bags" ADD CONSTRAINT "bags_community_id_household_id_households_community_id_id_fk" FOREIGN KEY ("community_id","household_id") REFERENCES "public"."households"("community_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bags" ADD CONSTRAINT "bags_community_id_stairwell_id_stairwells_community_id_id_fk" FOREIGN KEY ("community_id","stairwell_id") REFERENCES "public"."stairwells"("community_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "batches" ADD CONSTRAINT "batches_received_by_users_id_fk" FOREIGN KEY ("received_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "batches" ADD CONSTRAINT "batches_operator_user_id_users_id_fk" FOREIGN KEY ("operator_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "batches" ADD CONSTRAINT "batches_released_by_users_id_fk" FOREIGN KEY ("released_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "batches" ADD CONSTRAINT "batches_community_id_delivery_id_deliveries_community_id_id_fk" FOREIGN KEY ("community_id","delivery_id") REFERENCES "public"."deliveries"("community_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deliveries" ADD CONSTRAINT "deliveries_merchant_id_merchants_id_fk" FOREIGN KEY ("merchant_id") REFERENCES "public"."merchants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deliveries" ADD CONSTRAINT "deliveries_dispatched_by_users_id_fk" FOREIGN KEY ("dispatched_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deliveries" ADD CONSTRAINT "deliveries_received_by_users_id_fk" FOREIGN KEY ("received_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deliveries" ADD CONSTRAINT "deliveries_community_id_communities_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."communities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "delivery_relays" ADD CONSTRAINT "delivery_relays_community_id_delivery_id_deliveries_community_id_id_fk" FOREIGN KEY ("community_id","delivery_id") REFERENCES "public"."deliveries"("community_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "delivery_relays" ADD CONSTRAINT "delivery_relays_community_id_relay_id_relays_community_id_id_fk" FOREIGN KEY ("community_id","relay_id") REFERENCES "public"."relays"("community_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "problem_reports" ADD CONSTRAINT "problem_reports_reported_by_users_id_fk" FOREIGN KEY ("reported_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "problem_reports" ADD CONSTRAINT "problem_reports_decided_by_users_id_fk" FOREIGN KEY ("decided_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "problem_reports" ADD CONSTRAINT "problem_reports_community_id_bag_id_bags_community_id_id_fk" FOREIGN KEY ("community_id","bag_id") REFERENCES "public"."bags"("community_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "problem_reports" ADD CONSTRAINT "problem_reports_community_id_order_id_orders_community_id_id_fk" FOREIGN KEY ("community_id","order_id") REFERENCES "public"."orders"("community_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "problem_reports" ADD CONSTRAINT "problem_reports_community_id_household_id_households_community_id_id_fk" FOREIGN KEY ("community_id","household_id") REFERENCES "public"."households"("community_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "problem_reports" ADD CONSTRAINT "problem_reports_community_id_relay_item_id_relay_items_community_id_id_fk" FOREIGN KEY ("community_id","relay_item_id") REFERENCES "public"."relay_items"("community_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shortfalls" ADD CONSTRAINT "shortfalls_recorded_by_users_id_fk" FOREIGN KEY ("recorded_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shortfalls" ADD CONSTRAINT "shortfalls_community_id_relay_id_relays_community_id_id_fk" FOREIGN KEY ("community_id","relay_id") REFERENCES "public"."relays"("community_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shortfalls" ADD CONSTRAINT "shortfalls_community_id_relay_item_id_relay_items_community_id_id_fk" FOREIGN KEY ("community_id","relay_item_id") REFERENCES "public"."relay_items"("community_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "bag_events_community_id_bag_id_index" ON "bag_events" USING btree ("community_id","bag_id");--> statement-breakpoint
CREATE INDEX "bag_events_community_id_received_at_index" ON "bag_events" USING btree ("community_id","received_at");--> statement-breakpoint
CREATE INDEX "bags_community_id_batch_id_status_index" ON "bags" USING btree ("community_id","batch_id","status");--> statement-breakpoint
CREATE INDEX "bags_community_id_stairwell_id_status_index" ON "bags" USING btree ("community_id","stairwell_id","status");--> statement-breakpoint
CREATE INDEX "bags_community_id_household_id_index" ON "bags" USING btree ("community_id","household_id");--> statement-breakpoint
CREATE INDEX "batches_community_id_status_index" ON "batches" USING btree ("community_id","status");--> statement-breakpoint
CREATE INDEX "deliveries_community_id_status_index" ON "deliveries" USING btree ("community_id","status");--> statement-breakpoint
CREATE INDEX "deliveries_merchant_id_dispatched_at_index" ON "deliveries" USING btree ("merchant_id","dispatched_at");--> statement-breakpoint
CREATE INDEX "delivery_relays_community_id_delivery_id_index" ON "delivery_relays" USING btree ("community_id","delivery_id");--> statement-breakpoint
CREATE INDEX "problem_reports_community_id_order_id_index" ON "problem_reports" USING btree ("community_id","order_id");--> statement-breakpoint
CREATE INDEX "problem_reports_community_id_status_index" ON "problem_reports" USING btree ("community_id","status");--> statement-breakpoint
CREATE INDEX "shortfalls_community_id_relay_id_index" ON "shortfalls" USING btree ("community_id","relay_id");