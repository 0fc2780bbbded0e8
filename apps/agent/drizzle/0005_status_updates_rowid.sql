PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_status_updates` (
	`seq` integer PRIMARY KEY NOT NULL,
	`framework_id` text NOT NULL,
	`task_id` text NOT NULL,
	`uuid` text NOT NULL,
	`status` blob NOT NULL
);
--> statement-breakpoint
INSERT INTO `__new_status_updates`("seq", "framework_id", "task_id", "uuid", "status") SELECT "seq", "framework_id", "task_id", "uuid", "status" FROM `status_updates`;--> statement-breakpoint
DROP TABLE `status_updates`;--> statement-breakpoint
ALTER TABLE `__new_status_updates` RENAME TO `status_updates`;--> statement-breakpoint
PRAGMA foreign_keys=ON;