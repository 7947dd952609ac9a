CREATE TABLE "achievement_definitions_version" (
	"id" boolean PRIMARY KEY DEFAULT true NOT NULL,
	"version" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "achievement_definitions_version_one_row" CHECK ("achievement_definitions_version"."id")
);
