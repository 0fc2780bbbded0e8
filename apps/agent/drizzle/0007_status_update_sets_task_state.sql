ALTER TABLE `status_updates` ADD `task_state` integer;--> statement-breakpoint
CREATE TRIGGER `status_update_sets_task_state` AFTER INSERT ON `status_updates` WHEN NEW.`task_state` IS NOT NULL BEGIN
	UPDATE `tasks` SET `state` = NEW.`task_state` WHERE `framework_id` = NEW.`framework_id` AND `task_id` = NEW.`task_id`;
END;
