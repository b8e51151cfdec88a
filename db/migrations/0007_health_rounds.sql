CREATE TYPE "public"."health_round_kind" AS ENUM('self_test', 'testing');--> statement-breakpoint
CREATE TYPE "public"."health_round_status" AS ENUM('open', 'closed', 'cancelled');--> statement-breakpoint
CREATE TYPE "public"."testing_building_status" AS ENUM('queued', 'called', 'done', 'skipped');--> statement-breakpoint
CREATE TABLE "gate_duties" (
	"community_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"ends_at" timestamp with time zone NOT NULL,
	"assigned_by" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "gate_duties_community_id_id_pk" PRIMARY KEY("community_id","id"),
	CONSTRAINT "gate_duties_window" CHECK ("gate_duties"."ends_at" > "gate_duties"."starts_at")
);
--> statement-breakpoint
CREATE TABLE "gate_entries" (
	"community_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"household_id" uuid NOT NULL,
	"out_at" timestamp with time zone NOT NULL,
	"out_by" uuid NOT NULL,
	"out_note" text DEFAULT '' NOT NULL,
	"in_at" timestamp with time zone,
	"in_by" uuid,
	"in_note" text DEFAULT '' NOT NULL,
	"mask_ok" boolean DEFAULT true NOT NULL,
	"temperature" numeric(3, 1),
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "gate_entries_community_id_id_pk" PRIMARY KEY("community_id","id"),
	CONSTRAINT "gate_entries_order" CHECK ("gate_entries"."in_at" IS NULL OR "gate_entries"."in_at" >= "gate_entries"."out_at")
);
--> statement-breakpoint
CREATE TABLE "health_rounds" (
	"community_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"kind" "health_round_kind" NOT NULL,
	"status" "health_round_status" DEFAULT 'open' NOT NULL,
	"title" text NOT NULL,
	"opened_by" uuid NOT NULL,
	"opened_at" timestamp with time zone NOT NULL,
	"deadline_at" timestamp with time zone,
	"closed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "health_rounds_community_id_id_pk" PRIMARY KEY("community_id","id"),
	CONSTRAINT "health_rounds_deadline" CHECK ("health_rounds"."kind" <> 'self_test' OR "health_rounds"."deadline_at" IS NOT NULL)
);
--> statement-breakpoint
CREATE TABLE "self_test_follow_ups" (
	"community_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"round_id" uuid NOT NULL,
	"stairwell_id" uuid NOT NULL,
	"household_id" uuid,
	"abnormal" integer NOT NULL,
	"resolved_at" timestamp with time zone,
	"resolved_by" uuid,
	"note" text DEFAULT '' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "self_test_follow_ups_community_id_id_pk" PRIMARY KEY("community_id","id"),
	CONSTRAINT "self_test_follow_ups_one_per_stairwell" UNIQUE("community_id","round_id","stairwell_id"),
	CONSTRAINT "self_test_follow_ups_abnormal" CHECK ("self_test_follow_ups"."abnormal" > 0)
);
--> statement-breakpoint
CREATE TABLE "self_test_household_reports" (
	"community_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"round_id" uuid NOT NULL,
	"household_id" uuid NOT NULL,
	"stairwell_id" uuid NOT NULL,
	"negative" integer NOT NULL,
	"abnormal" integer NOT NULL,
	"invalid" integer NOT NULL,
	"reported_by" uuid NOT NULL,
	"reported_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "self_test_household_reports_community_id_id_pk" PRIMARY KEY("community_id","id"),
	CONSTRAINT "self_test_household_reports_once" UNIQUE("community_id","round_id","household_id"),
	CONSTRAINT "self_test_household_reports_counts" CHECK ("self_test_household_reports"."negative" >= 0 AND "self_test_household_reports"."abnormal" >= 0 AND "self_test_household_reports"."invalid" >= 0 AND "self_test_household_reports"."negative" + "self_test_household_reports"."abnormal" + "self_test_household_reports"."invalid" > 0)
);
--> statement-breakpoint
CREATE TABLE "self_test_reports" (
	"community_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"round_id" uuid NOT NULL,
	"stairwell_id" uuid NOT NULL,
	"actual" integer NOT NULL,
	"negative" integer NOT NULL,
	"abnormal" integer NOT NULL,
	"invalid" integer NOT NULL,
	"reason" text DEFAULT '' NOT NULL,
	"submitted_by" uuid NOT NULL,
	"submitted_at" timestamp with time zone NOT NULL,
	"revision" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "self_test_reports_community_id_id_pk" PRIMARY KEY("community_id","id"),
	CONSTRAINT "self_test_reports_one_per_stairwell" UNIQUE("community_id","round_id","stairwell_id"),
	CONSTRAINT "self_test_reports_counts" CHECK ("self_test_reports"."actual" >= 0 AND "self_test_reports"."negative" >= 0 AND "self_test_reports"."abnormal" >= 0 AND "self_test_reports"."invalid" >= 0 AND "self_test_reports"."negative" + "self_test_reports"."abnormal" + "self_test_reports"."invalid" <= "self_test_reports"."actual")
);
--> statement-breakpoint
CREATE TABLE "testing_buildings" (
	"community_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"round_id" uuid NOT NULL,
	"building_id" uuid NOT NULL,
	"position" integer NOT NULL,
	"status" "testing_building_status" DEFAULT 'queued' NOT NULL,
	"called_at" timestamp with time zone,
	"calls" integer DEFAULT 0 NOT NULL,
	"done_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "testing_buildings_community_id_id_pk" PRIMARY KEY("community_id","id"),
	CONSTRAINT "testing_buildings_once" UNIQUE("community_id","round_id","building_id"),
	CONSTRAINT "testing_buildings_position" UNIQUE("community_id","round_id","position")
);
--> statement-breakpoint
CREATE TABLE "testing_home_visits" (
	"community_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"round_id" uuid NOT NULL,
	"household_id" uuid NOT NULL,
	"done_at" timestamp with time zone NOT NULL,
	"done_by" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "testing_home_visits_community_id_id_pk" PRIMARY KEY("community_id","id"),
	CONSTRAINT "testing_home_visits_once" UNIQUE("community_id","round_id","household_id")
);
--> statement-breakpoint
CREATE TABLE "testing_stairwells" (
	"community_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"round_id" uuid NOT NULL,
	"stairwell_id" uuid NOT NULL,
	"done_at" timestamp with time zone NOT NULL,
	"done_by" uuid NOT NULL,
	"walk_ins" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "testing_stairwells_community_id_id_pk" PRIMARY KEY("community_id","id"),
	CONSTRAINT "testing_stairwells_once" UNIQUE("community_id","round_id","stairwell_id"),
	CONSTRAINT "testing_stairwells_walk_ins" CHECK ("testing_stairwells"."walk_ins" >= 0)
);
--> statement-breakpoint
ALTER TABLE "gate_duties" ADD CONSTRAINT "gate_duties_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "gate_duties" ADD CONSTRAINT "gate_duties_assigned_by_users_id_fk" FOREIGN KEY ("assigned_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "gate_duties" ADD CONSTRAINT "gate_duties_community_id_communities_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."communities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "gate_entries" ADD CONSTRAINT "gate_entries_out_by_users_id_fk" FOREIGN KEY ("out_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "gate_entries" ADD CONSTRAINT "gate_entries_in_by_users_id_fk" FOREIGN KEY ("in_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "gate_entries" ADD CONSTRAINT "gate_entries_community_id_household_id_households_community_id_id_fk" FOREIGN KEY ("community_id","household_id") REFERENCES "public"."households"("community_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "health_rounds" ADD CONSTRAINT "health_rounds_opened_by_users_id_fk" FOREIGN KEY ("opened_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "health_rounds" ADD CONSTRAINT "health_rounds_community_id_communities_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."communities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "self_test_follow_ups" ADD CONSTRAINT "self_test_follow_ups_resolved_by_users_id_fk" FOREIGN KEY ("resolved_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "self_test_follow_ups" ADD CONSTRAINT "self_test_follow_ups_community_id_round_id_health_rounds_community_id_id_fk" FOREIGN KEY ("community_id","round_id") REFERENCES "public"."health_rounds"("community_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "self_test_follow_ups" ADD CONSTRAINT "self_test_follow_ups_community_id_stairwell_id_stairwells_community_id_id_fk" FOREIGN KEY ("community_id","stairwell_id") REFERENCES "public"."stairwells"("community_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "self_test_follow_ups" ADD CONSTRAINT "self_test_follow_ups_community_id_household_id_households_community_id_id_fk" FOREIGN KEY ("community_id","household_id") REFERENCES "public"."households"("community_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "self_test_household_reports" ADD CONSTRAINT "self_test_household_reports_reported_by_users_id_fk" FOREIGN KEY ("reported_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "self_test_household_reports" ADD CONSTRAINT "self_test_household_reports_community_id_round_id_health_rounds_community_id_id_fk" FOREIGN KEY ("community_id","round_id") REFERENCES "public"."health_rounds"("community_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "self_test_household_reports" ADD CONSTRAINT "self_test_household_reports_community_id_household_id_households_community_id_id_fk" FOREIGN KEY ("community_id","household_id") REFERENCES "public"."households"("community_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "self_test_household_reports" ADD CONSTRAINT "self_test_household_reports_community_id_stairwell_id_stairwells_community_id_id_fk" FOREIGN KEY ("community_id","stairwell_id") REFERENCES "public"."stairwells"("community_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "self_test_reports" ADD CONSTRAINT "self_test_reports_submitted_by_users_id_fk" FOREIGN KEY ("submitted_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "self_test_reports" ADD CONSTRAINT "self_test_reports_community_id_round_id_health_rounds_community_id_id_fk" FOREIGN KEY ("community_id","round_id") REFERENCES "public"."health_rounds"("community_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "self_test_reports" ADD CONSTRAINT "self_test_reports_community_id_stairwell_id_stairwells_community_id_id_fk" FOREIGN KEY ("community_id","stairwell_id") REFERENCES "public"."stairwells"("community_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "testing_buildings" ADD CONSTRAINT "testing_buildings_community_id_round_id_health_rounds_community_id_id_fk" FOREIGN KEY ("community_id","round_id") REFERENCES "public"."health_rounds"("community_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "testing_buildings" ADD CONSTRAINT "testing_buildings_community_id_building_id_buildings_community_id_id_fk" FOREIGN KEY ("community_id","building_id") REFERENCES "public"."buildings"("community_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "testing_home_visits" ADD CONSTRAINT "testing_home_visits_done_by_users_id_fk" FOREIGN KEY ("done_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "testing_home_visits" ADD CONSTRAINT "testing_home_visits_community_id_round_id_health_rounds_community_id_id_fk" FOREIGN KEY ("community_id","round_id") REFERENCES "public"."health_rounds"("community_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "testing_home_visits" ADD CONSTRAINT "testing_home_visits_community_id_household_id_households_community_id_id_fk" FOREIGN KEY ("community_id","household_id") REFERENCES "public"."households"("community_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "testing_stairwells" ADD CONSTRAINT "testing_stairwells_done_by_users_id_fk" FOREIGN KEY ("done_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "testing_stairwells" ADD CONSTRAINT "testing_stairwells_community_id_round_id_health_rounds_community_id_id_fk" FOREIGN KEY ("community_id","round_id") REFERENCES "public"."health_rounds"("community_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "testing_stairwells" ADD CONSTRAINT "testing_stairwells_community_id_stairwell_id_stairwells_community_id_id_fk" FOREIGN KEY ("community_id","stairwell_id") REFERENCES "public"."stairwells"("community_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "gate_duties_community_id_user_id_ends_at_index" ON "gate_duties" USING btree ("community_id","user_id","ends_at");--> statement-breakpoint
CREATE INDEX "gate_entries_community_id_household_id_out_at_index" ON "gate_entries" USING btree ("community_id","household_id","out_at");--> statement-breakpoint
CREATE INDEX "gate_entries_community_id_out_at_index" ON "gate_entries" USING btree ("community_id","out_at");--> statement-breakpoint
CREATE UNIQUE INDEX "gate_entries_open" ON "gate_entries" USING btree ("community_id","household_id") WHERE "gate_entries"."in_at" is null;--> statement-breakpoint
CREATE INDEX "health_rounds_community_id_kind_opened_at_index" ON "health_rounds" USING btree ("community_id","kind","opened_at");