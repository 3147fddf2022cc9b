import { Column, CreateDateColumn, Entity, OneToMany, PrimaryGeneratedColumn } from "typeorm";
import { Post } from "./Post";

@Entity({ name: "authors" })
export class Author {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column()
  displayName!: string;

  // the schema keeps this one camelCase: the strategy's display_name style does not apply
  @Column({ name: "avatarUrl", nullable: true })
  avatarUrl?: string;

  @CreateDateColumn()
  createdAt!: Date;

  @OneToMany(() => Post, (post) => post.author)
  posts!: Post[];
}
