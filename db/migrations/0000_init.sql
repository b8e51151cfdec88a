CREATE TYPE "public"."assignment_role" AS ENUM('leader', 'volunteer');--> statement-breakpoint
CREATE TYPE "public"."care_category" AS ENUM('elderly_alone', 'disability', 'chronic_illness', 'infant', 'no_smartphone', 'pregnant', 'other');--> statement-breakpoint
CREATE TYPE "public"."membership_role" AS ENUM('resident', 'volunteer', 'admin', 'owner');--> statement-breakpoint
CREATE TYPE "public"."admission_status" AS ENUM('draft', 'submitted', 'changes_requested', 'approved', 'rejected', 'suspended', 'expired');--> statement-breakpoint
CREATE TYPE "public"."document_kind" AS ENUM('business_licence', 'food_permit', 'vehicle_pass', 'other');--> statement-breakpoint
CREATE TYPE "public"."merchant_kind" AS ENUM('supermarket', 'farm_coop', 'wholesaler', 'restaurant', 'other');--> statement-breakpoint
CREATE TYPE "public"."merchant_member_role" AS ENUM('owner', 'staff');--> statement-breakpoint
CREATE TYPE "public"."order_status" AS ENUM('pending_payment', 'paid', 'fulfilled', 'short', 'cancelled', 'expired');--> statement-breakpoint
CREATE TYPE "public"."relay_status" AS ENUM('draft', 'open', 'closed', 'formed', 'failed', 'dispatched', 'arrived', 'distributing', 'completed', 'cancelled');--> statement-breakpoint
CREATE TYPE "public"."threshold_kind" AS ENUM('none', 'households', 'units');--> statement-breakpoint
CREATE TYPE "public"."payment_status" AS ENUM('requires_payment_method', 'processing', 'succeeded', 'failed', 'canceled');--> statement-breakpoint
CREATE TYPE "public"."refund_status" AS ENUM('pending', 'succeeded', 'failed');--> statement-breakpoint
CREATE TABLE "audit_log" (
	"community_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"actor_user_id" uuid,
	"action" text NOT NULL,
	"entity_type" text NOT NULL,
	"entity_id" text NOT NULL,
	"before" jsonb,
	"after" jsonb,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "audit_log_community_id_id_pk" PRIMARY KEY("community_id","id")
);
--> statement-breakpoint
CREATE TABLE "communities" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"slug" text NOT NULL,
	"name" text NOT NULL,
	"district" text NOT NULL,
	"timezone" text DEFAULT 'Asia/Shanghai' NOT NULL,
	"currency" text DEFAULT 'CNY' NOT NULL,
	"settings" jsonb DEFAULT '{"disinfectionDwellMinutes":30,"unpaidHoldMinutes":15}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "communities_slug_unique" UNIQUE("slug")
);
--> statement-breakpoint
CREATE TABLE "global_audit_log" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"actor_user_id" uuid,
	"action" text NOT NULL,
	"entity_type" text NOT NULL,
	"entity_id" text NOT NULL,
	"before" jsonb,
	"after" jsonb,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "notifications" (
	"community_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"payload" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"read_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "notifications_community_id_id_pk" PRIMARY KEY("community_id","id")
);
--> statement-breakpoint
CREATE TABLE "otp_challenges" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"phone" text NOT NULL,
	"code_hash" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"consumed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "users" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"phone" text,
	"name" text NOT NULL,
	"locale" text DEFAULT 'zh-CN' NOT NULL,
	"birth_year" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "users_phone_unique" UNIQUE("phone")
);
--> statement-breakpoint
CREATE TABLE "buildings" (
	"community_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"number" text NOT NULL,
	"route_order" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "buildings_community_id_id_pk" PRIMARY KEY("community_id","id"),
	CONSTRAINT "buildings_communityId_number_unique" UNIQUE("community_id","number")
);
--> statement-breakpoint
CREATE TABLE "care_profiles" (
	"community_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"household_id" uuid NOT NULL,
	"categories" "care_category"[] NOT NULL,
	"notes" text DEFAULT '' NOT NULL,
	"door_delivery" boolean DEFAULT true NOT NULL,
	"updated_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "care_profiles_community_id_id_pk" PRIMARY KEY("community_id","id"),
	CONSTRAINT "care_profiles_communityId_householdId_unique" UNIQUE("community_id","household_id")
);
--> statement-breakpoint
CREATE TABLE "households" (
	"community_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"stairwell_id" uuid NOT NULL,
	"floor" integer NOT NULL,
	"room" text NOT NULL,
	"headcount" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "households_community_id_id_pk" PRIMARY KEY("community_id","id"),
	CONSTRAINT "households_communityId_stairwellId_room_unique" UNIQUE("community_id","stairwell_id","room"),
	CONSTRAINT "households_headcount_positive" CHECK ("households"."headcount" > 0)
);
--> statement-breakpoint
CREATE TABLE "memberships" (
	"community_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"role" "membership_role" NOT NULL,
	"household_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "memberships_community_id_id_pk" PRIMARY KEY("community_id","id"),
	CONSTRAINT "memberships_communityId_userId_role_unique" UNIQUE("community_id","user_id","role"),
	CONSTRAINT "memberships_resident_household" CHECK (("memberships"."role" <> 'resident') OR ("memberships"."household_id" IS NOT NULL))
);
--> statement-breakpoint
CREATE TABLE "stairwell_assignments" (
	"community_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"stairwell_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"role" "assignment_role" NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "stairwell_assignments_community_id_id_pk" PRIMARY KEY("community_id","id"),
	CONSTRAINT "stairwell_assignments_communityId_stairwellId_userId_unique" UNIQUE("community_id","stairwell_id","user_id")
);
--> statement-breakpoint
CREATE TABLE "stairwells" (
	"community_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"building_id" uuid NOT NULL,
	"number" text NOT NULL,
	"route_order" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "stairwells_community_id_id_pk" PRIMARY KEY("community_id","id"),
	CONSTRAINT "stairwells_communityId_buildingId_number_unique" UNIQUE("community_id","building_id","number")
);
--> statement-breakpoint
CREATE TABLE "admissions" (
	"community_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"merchant_id" uuid NOT NULL,
	"status" "admission_status" DEFAULT 'draft' NOT NULL,
	"reason" text,
	"field_requests" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"submitted_at" timestamp with time zone,
	"decided_by" uuid,
	"decided_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "admissions_community_id_id_pk" PRIMARY KEY("community_id","id"),
	CONSTRAINT "admissions_communityId_merchantId_unique" UNIQUE("community_id","merchant_id")
);
--> statement-breakpoint
CREATE TABLE "health_attestations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"merchant_id" uuid NOT NULL,
	"person_name" text NOT NULL,
	"last_negative_test_on" date NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "merchant_documents" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"merchant_id" uuid NOT NULL,
	"kind" "document_kind" NOT NULL,
	"storage_key" text NOT NULL,
	"file_name" text NOT NULL,
	"mime_type" text NOT NULL,
	"size_bytes" integer NOT NULL,
	"sha256" text NOT NULL,
	"expires_on" date,
	"uploaded_by" uuid NOT NULL,
	"superseded_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "merchant_documents_size" CHECK ("merchant_documents"."size_bytes" > 0)
);
--> statement-breakpoint
CREATE TABLE "merchant_members" (
	"merchant_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"role" "merchant_member_role" NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "merchant_members_merchant_id_user_id_pk" PRIMARY KEY("merchant_id","user_id")
);
--> statement-breakpoint
CREATE TABLE "merchants" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"legal_name" text DEFAULT '' NOT NULL,
	"display_name" text DEFAULT '' NOT NULL,
	"kind" "merchant_kind" DEFAULT 'other' NOT NULL,
	"credit_code" text,
	"contact_name" text,
	"contact_phone" text,
	"food_permit_no" text,
	"food_permit_expires_on" date,
	"vehicle_plate" text,
	"driver_name" text,
	"driver_phone" text,
	"vehicle_pass_expires_on" date,
	"created_by" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "products" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"merchant_id" uuid NOT NULL,
	"name" text NOT NULL,
	"spec" text DEFAULT '' NOT NULL,
	"unit" text NOT NULL,
	"price_fen" integer NOT NULL,
	"category" text DEFAULT '' NOT NULL,
	"image_key" text,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "products_price_nonnegative" CHECK ("products"."price_fen" >= 0)
);
--> statement-breakpoint
CREATE TABLE "household_item_totals" (
	"community_id" uuid NOT NULL,
	"relay_item_id" uuid NOT NULL,
	"household_id" uuid NOT NULL,
	"qty" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "household_item_totals_community_id_relay_item_id_household_id_pk" PRIMARY KEY("community_id","relay_item_id","household_id"),
	CONSTRAINT "household_item_totals_qty_nonnegative" CHECK ("household_item_totals"."qty" >= 0)
);
--> statement-breakpoint
CREATE TABLE "order_lines" (
	"community_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"order_id" uuid NOT NULL,
	"relay_item_id" uuid NOT NULL,
	"qty" integer NOT NULL,
	"unit_price_fen" integer NOT NULL,
	"fulfilled_qty" integer,
	"refunded_fen" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "order_lines_community_id_id_pk" PRIMARY KEY("community_id","id"),
	CONSTRAINT "order_lines_qty_positive" CHECK ("order_lines"."qty" > 0),
	CONSTRAINT "order_lines_price_nonnegative" CHECK ("order_lines"."unit_price_fen" >= 0),
	CONSTRAINT "order_lines_fulfilled_range" CHECK ("order_lines"."fulfilled_qty" IS NULL OR ("order_lines"."fulfilled_qty" >= 0 AND "order_lines"."fulfilled_qty" <= "order_lines"."qty")),
	CONSTRAINT "order_lines_refund_range" CHECK ("order_lines"."refunded_fen" >= 0 AND "order_lines"."refunded_fen" <= "order_lines"."qty" * "order_lines"."unit_price_fen")
);
--> statement-breakpoint
CREATE TABLE "orders" (
	"community_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"relay_id" uuid NOT NULL,
	"seq" integer NOT NULL,
	"household_id" uuid NOT NULL,
	"placed_by" uuid NOT NULL,
	"on_behalf" boolean DEFAULT false NOT NULL,
	"status" "order_status" DEFAULT 'pending_payment' NOT NULL,
	"total_fen" integer NOT NULL,
	"idempotency_key" text NOT NULL,
	"hold_until" timestamp with time zone,
	"paid_at" timestamp with time zone,
	"cancelled_at" timestamp with time zone,
	"note" text DEFAULT '' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "orders_community_id_id_pk" PRIMARY KEY("community_id","id"),
	CONSTRAINT "orders_relay_seq" UNIQUE("community_id","relay_id","seq"),
	CONSTRAINT "orders_idempotency" UNIQUE("community_id","placed_by","idempotency_key"),
	CONSTRAINT "orders_total_nonnegative" CHECK ("orders"."total_fen" >= 0),
	CONSTRAINT "orders_seq_positive" CHECK ("orders"."seq" >= 1)
);
--> statement-breakpoint
CREATE TABLE "relay_items" (
	"community_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"relay_id" uuid NOT NULL,
	"product_id" uuid NOT NULL,
	"name" text NOT NULL,
	"spec" text DEFAULT '' NOT NULL,
	"unit" text NOT NULL,
	"unit_price_fen" integer NOT NULL,
	"stock_cap" integer,
	"sold" integer DEFAULT 0 NOT NULL,
	"per_household_limit" integer,
	"position" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "relay_items_community_id_id_pk" PRIMARY KEY("community_id","id"),
	CONSTRAINT "relay_items_no_oversell" CHECK ("relay_items"."stock_cap" IS NULL OR "relay_items"."sold" <= "relay_items"."stock_cap"),
	CONSTRAINT "relay_items_sold_nonnegative" CHECK ("relay_items"."sold" >= 0),
	CONSTRAINT "relay_items_price_nonnegative" CHECK ("relay_items"."unit_price_fen" >= 0),
	CONSTRAINT "relay_items_cap_nonnegative" CHECK ("relay_items"."stock_cap" IS NULL OR "relay_items"."stock_cap" >= 0),
	CONSTRAINT "relay_items_limit_positive" CHECK ("relay_items"."per_household_limit" IS NULL OR "relay_items"."per_household_limit" > 0)
);
--> statement-breakpoint
CREATE TABLE "relays" (
	"community_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"merchant_id" uuid NOT NULL,
	"leader_user_id" uuid NOT NULL,
	"title" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"status" "relay_status" DEFAULT 'draft' NOT NULL,
	"opens_at" timestamp with time zone NOT NULL,
	"closes_at" timestamp with time zone NOT NULL,
	"delivery_date" date NOT NULL,
	"threshold_kind" "threshold_kind" DEFAULT 'none' NOT NULL,
	"threshold_value" integer DEFAULT 0 NOT NULL,
	"next_seq" integer DEFAULT 1 NOT NULL,
	"closed_at" timestamp with time zone,
	"close_reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "relays_community_id_id_pk" PRIMARY KEY("community_id","id"),
	CONSTRAINT "relays_window" CHECK ("relays"."closes_at" > "relays"."opens_at"),
	CONSTRAINT "relays_threshold_nonnegative" CHECK ("relays"."threshold_value" >= 0),
	CONSTRAINT "relays_next_seq_positive" CHECK ("relays"."next_seq" >= 1)
);
--> statement-breakpoint
CREATE TABLE "payments" (
	"community_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"order_id" uuid NOT NULL,
	"stripe_payment_intent_id" text NOT NULL,
	"amount_fen" integer NOT NULL,
	"currency" text DEFAULT 'cny' NOT NULL,
	"status" "payment_status" DEFAULT 'requires_payment_method' NOT NULL,
	"last_error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "payments_community_id_id_pk" PRIMARY KEY("community_id","id"),
	CONSTRAINT "payments_communityId_orderId_unique" UNIQUE("community_id","order_id"),
	CONSTRAINT "payments_communityId_stripePaymentIntentId_unique" UNIQUE("community_id","stripe_payment_intent_id"),
	CONSTRAINT "payments_amount_positive" CHECK ("payments"."amount_fen" > 0)
);
--> statement-breakpoint
CREATE TABLE "refunds" (
	"community_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"order_id" uuid NOT NULL,
	"payment_id" uuid NOT NULL,
	"amount_fen" integer NOT NULL,
	"reason" text NOT NULL,
	"idempotency_key" text NOT NULL,
	"stripe_refund_id" text,
	"status" "refund_status" DEFAULT 'pending' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "refunds_community_id_id_pk" PRIMARY KEY("community_id","id"),
	CONSTRAINT "refunds_communityId_idempotencyKey_unique" UNIQUE("community_id","idempotency_key"),
	CONSTRAINT "refunds_amount_positive" CHECK ("refunds"."amount_fen" > 0)
);
--> statement-breakpoint
CREATE TABLE "stripe_events" (
	"id" text PRIMARY KEY NOT NULL,
	"type" text NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"processed_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "audit_log" ADD CONSTRAINT "audit_log_community_id_communities_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."communities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_community_id_communities_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."communities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "buildings" ADD CONSTRAINT "buildings_community_id_communities_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."communities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "care_profiles" ADD CONSTRAINT "care_profiles_community_id_household_id_households_community_id_id_fk" FOREIGN KEY ("community_id","household_id") REFERENCES "public"."households"("community_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "households" ADD CONSTRAINT "households_community_id_stairwell_id_stairwells_community_id_id_fk" FOREIGN KEY ("community_id","stairwell_id") REFERENCES "public"."stairwells"("community_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "memberships" ADD CONSTRAINT "memberships_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "memberships" ADD CONSTRAINT "memberships_community_id_communities_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."communities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "memberships" ADD CONSTRAINT "memberships_community_id_household_id_households_community_id_id_fk" FOREIGN KEY ("community_id","household_id") REFERENCES "public"."households"("community_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stairwell_assignments" ADD CONSTRAINT "stairwell_assignments_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stairwell_assignments" ADD CONSTRAINT "stairwell_assignments_community_id_stairwell_id_stairwells_community_id_id_fk" FOREIGN KEY ("community_id","stairwell_id") REFERENCES "public"."stairwells"("community_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stairwells" ADD CONSTRAINT "stairwells_community_id_building_id_buildings_community_id_id_fk" FOREIGN KEY ("community_id","building_id") REFERENCES "public"."buildings"("community_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "admissions" ADD CONSTRAINT "admissions_merchant_id_merchants_id_fk" FOREIGN KEY ("merchant_id") REFERENCES "public"."merchants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "admissions" ADD CONSTRAINT "admissions_community_id_communities_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."communities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "health_attestations" ADD CONSTRAINT "health_attestations_merchant_id_merchants_id_fk" FOREIGN KEY ("merchant_id") REFERENCES "public"."merchants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "merchant_documents" ADD CONSTRAINT "merchant_documents_merchant_id_merchants_id_fk" FOREIGN KEY ("merchant_id") REFERENCES "public"."merchants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "merchant_documents" ADD CONSTRAINT "merchant_documents_uploaded_by_users_id_fk" FOREIGN KEY ("uploaded_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "merchant_members" ADD CONSTRAINT "merchant_members_merchant_id_merchants_id_fk" FOREIGN KEY ("merchant_id") REFERENCES "public"."merchants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "merchant_members" ADD CONSTRAINT "merchant_members_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "merchants" ADD CONSTRAINT "merchants_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "products" ADD CONSTRAINT "products_merchant_id_merchants_id_fk" FOREIGN KEY ("merchant_id") REFERENCES "public"."merchants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "household_item_totals" ADD CONSTRAINT "household_item_totals_community_id_relay_item_id_relay_items_community_id_id_fk" FOREIGN KEY ("community_id","relay_item_id") REFERENCES "public"."relay_items"("community_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "household_item_totals" ADD CONSTRAINT "household_item_totals_community_id_household_id_households_community_id_id_fk" FOREIGN KEY ("community_id","household_id") REFERENCES "public"."households"("community_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "order_lines" ADD CONSTRAINT "order_lines_community_id_order_id_orders_community_id_id_fk" FOREIGN KEY ("community_id","order_id") REFERENCES "public"."orders"("community_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "order_lines" ADD CONSTRAINT "order_lines_community_id_relay_item_id_relay_items_community_id_id_fk" FOREIGN KEY ("community_id","relay_item_id") REFERENCES "public"."relay_items"("community_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "orders" ADD CONSTRAINT "orders_placed_by_users_id_fk" FOREIGN KEY ("placed_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "orders" ADD CONSTRAINT "orders_community_id_relay_id_relays_community_id_id_fk" FOREIGN KEY ("community_id","relay_id") REFERENCES "public"."relays"("community_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "orders" ADD CONSTRAINT "orders_community_id_household_id_households_community_id_id_fk" FOREIGN KEY ("community_id","household_id") REFERENCES "public"."households"("community_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "relay_items" ADD CONSTRAINT "relay_items_product_id_products_id_fk" FOREIGN KEY ("product_id") REFERENCES "public"."products"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "relay_items" ADD CONSTRAINT "relay_items_community_id_relay_id_relays_community_id_id_fk" FOREIGN KEY ("community_id","relay_id") REFERENCES "public"."relays"("community_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "relays" ADD CONSTRAINT "relays_merchant_id_merchants_id_fk" FOREIGN KEY ("merchant_id") REFERENCES "public"."merchants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "relays" ADD CONSTRAINT "relays_leader_user_id_users_id_fk" FOREIGN KEY ("leader_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "relays" ADD CONSTRAINT "relays_community_id_communities_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."communities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payments" ADD CONSTRAINT "payments_community_id_order_id_orders_community_id_id_fk" FOREIGN KEY ("community_id","order_id") REFERENCES "public"."orders"("community_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "refunds" ADD CONSTRAINT "refunds_community_id_order_id_orders_community_id_id_fk" FOREIGN KEY ("community_id","order_id") REFERENCES "public"."orders"("community_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "audit_log_community_id_entity_type_entity_id_index" ON "audit_log" USING btree ("community_id","entity_type","entity_id");--> statement-breakpoint
CREATE INDEX "notifications_community_id_user_id_created_at_index" ON "notifications" USING btree ("community_id","user_id","created_at");--> statement-breakpoint
CREATE INDEX "otp_challenges_phone_created_at_index" ON "otp_challenges" USING btree ("phone","created_at");--> statement-breakpoint
CREATE INDEX "memberships_user_id_index" ON "memberships" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "memberships_community_id_household_id_index" ON "memberships" USING btree ("community_id","household_id");--> statement-breakpoint
CREATE INDEX "stairwell_assignments_community_id_user_id_index" ON "stairwell_assignments" USING btree ("community_id","user_id");--> statement-breakpoint
CREATE INDEX "admissions_community_id_status_index" ON "admissions" USING btree ("community_id","status");--> statement-breakpoint
CREATE INDEX "merchant_documents_merchant_id_kind_index" ON "merchant_documents" USING btree ("merchant_id","kind");--> statement-breakpoint
CREATE INDEX "merchant_members_user_id_index" ON "merchant_members" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "products_merchant_id_index" ON "products" USING btree ("merchant_id");--> statement-breakpoint
CREATE UNIQUE INDEX "order_lines_community_id_order_id_relay_item_id_index" ON "order_lines" USING btree ("community_id","order_id","relay_item_id");--> statement-breakpoint
CREATE INDEX "order_lines_community_id_relay_item_id_index" ON "order_lines" USING btree ("community_id","relay_item_id");--> statement-breakpoint
CREATE INDEX "orders_community_id_relay_id_status_index" ON "orders" USING btree ("community_id","relay_id","status");--> statement-breakpoint
CREATE INDEX "orders_community_id_household_id_index" ON "orders" USING btree ("community_id","household_id");--> statement-breakpoint
CREATE INDEX "orders_community_id_hold_until_index" ON "orders" USING btree ("community_id","hold_until") WHERE "orders"."status" = 'pending_payment';--> statement-breakpoint
CREATE INDEX "relay_items_community_id_relay_id_index" ON "relay_items" USING btree ("community_id","relay_id");--> statement-breakpoint
CREATE INDEX "relays_community_id_status_closes_at_index" ON "relays" USING btree ("community_id","status","closes_at");--> statement-breakpoint
CREATE INDEX "relays_merchant_id_status_index" ON "relays" USING btree ("merchant_id","status");--> statement-breakpoint
CREATE INDEX "refunds_community_id_order_id_index" ON "refunds" USING btree ("community_id","order_id");