CREATE TABLE `csi_volumes` (
	`plugin_type` text NOT NULL,
	`plugin_name` text NOT NULL,
	`volume_id` text NOT NULL,
	`state` blob NOT NULL,
	PRIMARY KEY(`plugin_type`, `plugin_name`, `volume_id`)
);
--> statement-breakpoint
CREATE TABLE `resource_providers` (
	`type` text NOT NULL,
	`name` text NOT NULL,
	`id` text NOT NULL,
	`state` blob NOT NULL,
	PRIMARY KEY(`type`, `name`)
);
