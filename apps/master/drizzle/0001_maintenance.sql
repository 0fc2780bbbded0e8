CREATE TABLE `machines` (
	`key` text PRIMARY KEY NOT NULL,
	`info` blob NOT NULL
);
--> statement-breakpoint
CREATE TABLE `maintenance_schedules` (
	`position` integer PRIMARY KEY NOT NULL,
	`schedule` blob NOT NULL
);
